package io.durapay.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.durapay.contracts.PaymentStatus;
import io.durapay.contracts.StatusChange;
import io.durapay.contracts.TransitionResult;
import io.durapay.store.testing.PostgresExtension;
import io.durapay.store.testing.TestMerchants;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PaymentDaoTest {
  @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();
  private static final AtomicInteger IDS = new AtomicInteger();

  private PaymentDao payments;
  private Merchant merchant;

  @BeforeEach
  void setUp() {
    payments = POSTGRES.jdbi().onDemand(PaymentDao.class);
    merchant = TestMerchants.create(POSTGRES.jdbi());
  }

  @Test
  void createsAPaymentInitiatedWithItsFirstHistoryEntry() {
    Payment payment = newPayment();

    payments.create(payment);

    Payment stored = payments.findById(payment.id()).orElseThrow();
    assertThat(stored.status()).isEqualTo(PaymentStatus.INITIATED);
    assertThat(stored.amount()).isEqualTo(1999);
    assertThat(stored.metadata()).isEqualTo("{\"order\": \"42\"}");
    assertThat(stored.createdAt()).isNotNull();
    assertThat(payments.history(payment.id()))
        .singleElement()
        .satisfies(
            h -> {
              assertThat(h.fromStatus()).isNull();
              assertThat(h.toStatus()).isEqualTo(PaymentStatus.INITIATED);
            });
  }

  @Test
  void anotherMerchantCannotFindThePayment() {
    Payment payment = newPayment();
    payments.create(payment);
    Merchant other = TestMerchants.create(POSTGRES.jdbi());

    assertThat(payments.findByIdForMerchant(payment.id(), merchant.id())).isPresent();
    assertThat(payments.findByIdForMerchant(payment.id(), other.id())).isEmpty();
  }

  @Test
  void movesForwardThroughTheHappyPathAndRecordsEachStep() {
    Payment payment = newPayment();
    payments.create(payment);

    assertThat(payments.transition(change(payment, PaymentStatus.PROCESSING)))
        .contains(new TransitionResult(true, PaymentStatus.PROCESSING));
    assertThat(
            payments.transition(
                new StatusChange(
                    payment.id(), PaymentStatus.COMPLETED, "charged", null, null, "pi_123", "run-1")))
        .contains(new TransitionResult(true, PaymentStatus.COMPLETED));

    Payment stored = payments.findById(payment.id()).orElseThrow();
    assertThat(stored.status()).isEqualTo(PaymentStatus.COMPLETED);
    assertThat(stored.gatewayReference()).isEqualTo("pi_123");
    List<StatusHistoryEntry> history = payments.history(payment.id());
    assertThat(history)
        .extracting(StatusHistoryEntry::fromStatus, StatusHistoryEntry::toStatus)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(null, PaymentStatus.INITIATED),
            org.assertj.core.groups.Tuple.tuple(PaymentStatus.INITIATED, PaymentStatus.PROCESSING),
            org.assertj.core.groups.Tuple.tuple(PaymentStatus.PROCESSING, PaymentStatus.COMPLETED));
    assertThat(history.get(2).workflowRunId()).isEqualTo("run-1");
    assertThat(history.get(2).cause()).isEqualTo("charged");
  }

  @Test
  void aRepeatedTransitionChangesNothingAndSaysSo() {
    Payment payment = newPayment();
    payments.create(payment);
    payments.transition(change(payment, PaymentStatus.PROCESSING));

    assertThat(payments.transition(change(payment, PaymentStatus.PROCESSING)))
        .contains(new TransitionResult(false, PaymentStatus.PROCESSING));
    assertThat(payments.history(payment.id())).hasSize(2);
  }

  @Test
  void anIllegalTransitionChangesNothingAndSaysSo() {
    Payment payment = newPayment();
    payments.create(payment);

    // initiated → completed skips processing.
    assertThat(payments.transition(change(payment, PaymentStatus.COMPLETED)))
        .contains(new TransitionResult(false, PaymentStatus.INITIATED));
    payments.transition(change(payment, PaymentStatus.CANCELLED));
    // A final payment never moves again, not even back to processing.
    assertThat(payments.transition(change(payment, PaymentStatus.PROCESSING)))
        .contains(new TransitionResult(false, PaymentStatus.CANCELLED));
    assertThat(payments.transition(change(payment, PaymentStatus.INITIATED)))
        .contains(new TransitionResult(false, PaymentStatus.CANCELLED));

    assertThat(payments.findById(payment.id()).orElseThrow().status())
        .isEqualTo(PaymentStatus.CANCELLED);
    assertThat(payments.history(payment.id())).hasSize(2);
  }

  @Test
  void initiatedMayFailOrBeCancelledDirectly() {
    Payment toFail = newPayment();
    Payment toCancel = newPayment();
    payments.create(toFail);
    payments.create(toCancel);

    assertThat(
            payments.transition(
                new StatusChange(
                    toFail.id(), PaymentStatus.FAILED, "invalid", "amount_too_large", "too big",
                    null, "run-2")))
        .contains(new TransitionResult(true, PaymentStatus.FAILED));
    assertThat(payments.transition(change(toCancel, PaymentStatus.CANCELLED)))
        .contains(new TransitionResult(true, PaymentStatus.CANCELLED));

    Payment failed = payments.findById(toFail.id()).orElseThrow();
    assertThat(failed.failureCode()).isEqualTo("amount_too_large");
    assertThat(failed.failureMessage()).isEqualTo("too big");
  }

  @Test
  void theDatabaseItselfRefusesABackwardMoveFromAnyWriter() {
    Payment payment = newPayment();
    payments.create(payment);
    payments.transition(change(payment, PaymentStatus.CANCELLED));

    assertThatThrownBy(
            () ->
                POSTGRES
                    .jdbi()
                    .useHandle(
                        h ->
                            h.execute(
                                "UPDATE payments SET status = 'processing' WHERE id = ?",
                                payment.id())))
        .isInstanceOf(UnableToExecuteStatementException.class)
        .hasMessageContaining("illegal payment status transition cancelled -> processing");
  }

  @Test
  void transitionOfAnUnknownPaymentIsEmpty() {
    assertThat(
            payments.transition(
                new StatusChange("pay_missing", PaymentStatus.PROCESSING, "x", null, null, null, null)))
        .isEmpty();
  }

  @Test
  void listsNewestFirstWithCursorAndStatusFilter() {
    Merchant lister = TestMerchants.create(POSTGRES.jdbi());
    Payment first = newPayment(lister);
    Payment second = newPayment(lister);
    Payment third = newPayment(lister);
    payments.create(first);
    payments.create(second);
    payments.create(third);
    payments.transition(change(second, PaymentStatus.CANCELLED));

    assertThat(payments.list(lister.id(), null, null, 2))
        .extracting(Payment::id)
        .containsExactly(third.id(), second.id());
    assertThat(payments.list(lister.id(), null, second.id(), 2))
        .extracting(Payment::id)
        .containsExactly(first.id());
    assertThat(payments.list(lister.id(), PaymentStatus.CANCELLED, null, 10))
        .extracting(Payment::id)
        .containsExactly(second.id());
    assertThat(payments.list(merchant.id(), null, null, 10)).isEmpty();
  }

  private Payment newPayment() {
    return newPayment(merchant);
  }

  private static Payment newPayment(Merchant owner) {
    // Ids sort by creation order, as the API's generated ids do.
    String id = String.format("pay_%012d", IDS.incrementAndGet());
    return new Payment(
        id, owner.id(), 1999, "EUR", "pm_card_visa", "Order 42", "{\"order\": \"42\"}",
        PaymentStatus.INITIATED, null, null, null, "corr-" + id, null, null);
  }

  private static StatusChange change(Payment payment, PaymentStatus to) {
    return new StatusChange(payment.id(), to, "test", null, null, null, "run-1");
  }
}
