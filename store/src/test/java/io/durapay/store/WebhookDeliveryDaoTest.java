package io.durapay.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import io.durapay.contracts.PaymentStatus;
import io.durapay.store.testing.PostgresExtension;
import io.durapay.store.testing.TestMerchants;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class WebhookDeliveryDaoTest {
  @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();
  private static final AtomicInteger IDS = new AtomicInteger();
  private static final String URL = "https://shop.example/hooks";

  private WebhookDeliveryDao deliveries;
  private Merchant merchant;

  @BeforeEach
  void setUp() {
    deliveries = POSTGRES.jdbi().onDemand(WebhookDeliveryDao.class);
    merchant = TestMerchants.create(POSTGRES.jdbi());
  }

  @Test
  void recordsEveryAttemptOfAnEventInOrder() {
    Payment payment = createPayment();
    String event = "evt_" + payment.id();

    deliveries.record(event, payment.id(), merchant.id(), "payment.completed", 1, URL, null,
        "retrying", "connect timed out");
    deliveries.record(event, payment.id(), merchant.id(), "payment.completed", 2, URL, 503,
        "retrying", "HTTP 503");
    deliveries.record(event, payment.id(), merchant.id(), "payment.completed", 3, URL, 200,
        "delivered", null);

    assertThat(deliveries.forEvent(event))
        .extracting(WebhookDelivery::attempt, WebhookDelivery::statusCode, WebhookDelivery::outcome,
            WebhookDelivery::error)
        .containsExactly(
            tuple(1, null, "retrying", "connect timed out"),
            tuple(2, 503, "retrying", "HTTP 503"),
            tuple(3, 200, "delivered", null));
    WebhookDelivery last = deliveries.forEvent(event).get(2);
    assertThat(last.eventId()).isEqualTo(event);
    assertThat(last.paymentId()).isEqualTo(payment.id());
    assertThat(last.merchantId()).isEqualTo(merchant.id());
    assertThat(last.eventType()).isEqualTo("payment.completed");
    assertThat(last.url()).isEqualTo(URL);
    assertThat(last.attemptedAt()).isNotNull();
    assertThat(last.id()).isGreaterThan(deliveries.forEvent(event).get(1).id());
  }

  @Test
  void listsAPaymentsDeliveriesAcrossItsEventsAndNoOtherPayments() {
    Payment payment = createPayment();
    Payment other = createPayment();
    deliveries.record("evt_init_" + payment.id(), payment.id(), merchant.id(), "payment.initiated",
        1, URL, 200, "delivered", null);
    deliveries.record("evt_other_" + other.id(), other.id(), merchant.id(), "payment.initiated",
        1, URL, 200, "delivered", null);
    deliveries.record("evt_done_" + payment.id(), payment.id(), merchant.id(), "payment.completed",
        1, null, null, "skipped", "no webhook URL");

    assertThat(deliveries.forPayment(payment.id()))
        .extracting(WebhookDelivery::eventType, WebhookDelivery::outcome, WebhookDelivery::url)
        .containsExactly(
            tuple("payment.initiated", "delivered", URL),
            tuple("payment.completed", "skipped", null));
    assertThat(deliveries.forPayment(other.id()))
        .extracting(WebhookDelivery::eventId)
        .containsExactly("evt_other_" + other.id());
    assertThat(deliveries.forEvent("evt_init_" + payment.id())).hasSize(1);
  }

  @Test
  void unknownEventsAndPaymentsHaveNoDeliveries() {
    assertThat(deliveries.forEvent("evt_missing")).isEmpty();
    assertThat(deliveries.forPayment("pay_missing")).isEmpty();
  }

  @Test
  void aDeliveryMustBelongToAStoredPaymentAndCountAttemptsFromOne() {
    Payment payment = createPayment();

    assertThatThrownBy(() -> deliveries.record("evt_x", "pay_missing", merchant.id(),
            "payment.initiated", 1, URL, 200, "delivered", null))
        .isInstanceOf(UnableToExecuteStatementException.class)
        .hasMessageContaining("webhook_deliveries_payment_id_fkey");
    assertThatThrownBy(() -> deliveries.record("evt_y", payment.id(), merchant.id(),
            "payment.initiated", 0, URL, 200, "delivered", null))
        .isInstanceOf(UnableToExecuteStatementException.class)
        .hasMessageContaining("webhook_deliveries_attempt_check");
    assertThat(deliveries.forPayment(payment.id())).isEmpty();
  }

  private Payment createPayment() {
    String id = String.format("pay_wh%010d", IDS.incrementAndGet());
    Payment payment =
        new Payment(id, merchant.id(), 1999, "EUR", "pm_card_visa", null, "{}",
            PaymentStatus.INITIATED, null, null, null, "corr-" + id, null, null);
    POSTGRES.jdbi().useExtension(PaymentDao.class, dao -> dao.create(payment));
    return payment;
  }
}
