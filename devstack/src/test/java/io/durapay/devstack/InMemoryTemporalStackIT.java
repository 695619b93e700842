package io.durapay.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.durapay.apiclient.ApiClient;
import io.durapay.contracts.PaymentStatus;
import io.durapay.store.PaymentDao;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code devstack up --temporal test-server}: the SDK's in-memory server still runs the whole
 * path (it learns durapay's search attributes at start, and its workers run without sticky
 * execution); it keeps no state and answers no visibility query.
 */
class InMemoryTemporalStackIT {

  @Test
  void aPaymentCompletesOnTheInMemoryTestServer() throws Exception {
    var settings = StackSettings.anyFreePorts(Files.createTempDirectory("durapay-test-server-it"))
        .withTemporal(StackSettings.EmbeddedTemporal.TEST_SERVER);
    try (Stack stack = Stack.start(settings)) {
      assertThat(stack.description()).doesNotContainKey("temporalUi");
      String id = new ApiClient(stack::apiUrl).createPayment(stack.demoMerchant().apiKey(), "pm_card_visa", "test server");
      PaymentDao payments = stack.jdbi().onDemand(PaymentDao.class);

      await().atMost(Duration.ofSeconds(60)).until(() -> payments.findById(id).orElseThrow().status().isFinal());
      assertThat(payments.findById(id).orElseThrow().status()).isEqualTo(PaymentStatus.COMPLETED);
      assertThat(stack.gateway().charges()).filteredOn(c -> c.paymentId().equals(id)).hasSize(1);
    }
  }
}
