package io.durapay.worker.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link GatewayClient} against localstripe, a Stripe emulator from PyPI that nobody here wrote
 * (provisioned by {@code ci/localstripe}): the client's requests are accepted and its answers
 * parsed, for the endpoints localstripe implements. What it lacks is asserted as lacking, so that
 * a localstripe that gains it shows here: {@code /v1/payment_intents/search} (404), and the
 * {@code automatic_payment_methods} parameter (which is why the client says {@code
 * payment_method_types[]=card}). It ignores idempotency keys and {@code Stripe-Version}.
 */
class LocalstripeContractIT {
  private static final String KEY = "sk_test_localstripe";
  private static Process localstripe;
  private static GatewayClient client;

  @BeforeAll
  static void start() throws Exception {
    Path executable = Path.of("..", ".tools", "localstripe", "venv-1.15.10", "bin", "localstripe")
        .toAbsolutePath().normalize();
    assertThat(executable).as("localstripe, installed by ci/localstripe (the build runs it)").isExecutable();
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Path log = Files.createTempFile("localstripe", ".log");
    localstripe = new ProcessBuilder(executable.toString(), "--port", String.valueOf(port))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    awaitPort(port, Duration.ofSeconds(30), log);
    client = new GatewayClient(new OkHttpClient(), "http://127.0.0.1:" + port, KEY);
  }

  @AfterAll
  static void stop() {
    if (localstripe != null) {
      localstripe.destroy();
    }
  }

  @Test
  void anIntentIsCreatedUnconfirmedThenConfirmedRetrievedAndRefunded() {
    GatewayIntent created = client.createIntent("pay_ls_1", 1999, "EUR", "pm_card_visa");
    assertThat(created.status()).isEqualTo("requires_confirmation");
    assertThat(created.amount()).isEqualTo(1999);
    assertThat(created.currency()).isEqualTo("eur");

    GatewayCharge charge = client.confirm("pay_ls_1", created.id(), 1);
    assertThat(charge).isEqualTo(new GatewayCharge(created.id(), "succeeded", 1999, "eur"));
    assertThat(client.retrieve(created.id()).succeeded()).isTrue();

    GatewayRefund refund = client.refund("pay_ls_1", created.id());
    assertThat(refund.status()).isEqualTo("succeeded");
    assertThat(client.retrieveRefund(refund.id())).isEqualTo(refund);
  }

  @Test
  void aCanceledIntentIsCanceledAndCannotBeConfirmed() {
    GatewayIntent created = client.createIntent("pay_ls_2", 500, "eur", "pm_card_visa");

    assertThat(client.cancel("pay_ls_2", created.id()).canceled()).isTrue();

    GatewayException confirm = catchThrowableOfType(GatewayException.class, () -> client.confirm("pay_ls_2", created.id(), 1));
    assertThat(confirm.retryable()).isFalse();
  }

  @Test
  void localstripeHasNoSearch() {
    GatewayException search = catchThrowableOfType(GatewayException.class, () -> client.findByPaymentId("pay_ls_1"));

    assertThat(search).isInstanceOf(GatewayRejectedException.class);
    assertThat(((GatewayRejectedException) search).status()).isEqualTo(404);
  }

  private static void awaitPort(int port, Duration timeout, Path log) {
    await().atMost(timeout)
        .failFast("localstripe exited; its log: " + log, () -> !localstripe.isAlive())
        .until(() -> listens(port));
  }

  private static boolean listens(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException notYet) {
      return false;
    }
  }
}
