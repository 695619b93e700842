package io.durapay.devstack.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.durapay.contracts.ChargeResult;
import io.durapay.contracts.GatewayActivities;
import io.durapay.contracts.PaymentRequest;
import io.durapay.contracts.PaymentResult;
import io.durapay.contracts.PaymentStatus;
import io.durapay.contracts.PaymentWorkflow;
import io.durapay.contracts.RefundResult;
import io.durapay.contracts.StatusChange;
import io.durapay.contracts.WorkflowIds;
import io.durapay.devstack.gateway.GatewaySimulator.Settings;
import io.durapay.store.Merchant;
import io.durapay.store.Payment;
import io.durapay.store.Store;
import io.durapay.store.PaymentDao;
import io.durapay.store.testing.PostgresExtension;
import io.durapay.store.testing.TemporalServer;
import io.durapay.store.testing.TestMerchants;
import io.durapay.contracts.FailureTypes;
import io.durapay.worker.activities.PaymentActivitySet;
import io.durapay.worker.activities.PaymentRecordActivitiesImpl;
import io.durapay.worker.gateway.GatewayActivitiesImpl;
import io.durapay.worker.gateway.GatewayActivitiesImpl.Waits;
import io.durapay.worker.risk.RiskActivitiesImpl;
import io.durapay.worker.webhook.WebhookActivitiesImpl;
import io.durapay.worker.gateway.GatewayClient;
import io.durapay.worker.gateway.GatewayIntent;
import io.durapay.worker.risk.RiskRules;
import io.durapay.worker.v2.PaymentWorkflowV2Impl;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The charge and compensation activities against a gateway as strict as Stripe (the simulator),
 * each finding of the money-safety review as a scenario: whatever the gateway does, a payment that
 * fails leaves its customer with nothing charged.
 *
 * <p>The activities run one attempt at a time in Temporal's activity test environment (no
 * server: the retries are the test's, as the workflow's retry policy would make them).
 */
class MoneySafetyIT {
  @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();
  @RegisterExtension static final TemporalServer TEMPORAL = new TemporalServer();

  private static final String KEY = "sk_test_money_safety";

  private GatewaySimulator gateway;
  private GatewayClient client;
  private DatabaseCable cable;
  private PaymentRecordActivitiesImpl records;
  private PaymentActivitySet impl;
  private WorkerFactory workers;
  private TestActivityEnvironment environment;

  @AfterEach
  void tearDown() {
    if (workers != null) {
      workers.shutdownNow();
    }
    if (environment != null) {
      environment.close();
    }
    if (gateway != null) {
      gateway.stop();
    }
  }

  /**
   * Finding 1: the charge's answer is lost after the gateway charged, then the gateway cannot be
   * reached for the other two attempts; the compensation that follows at once, while the
   * gateway's search still lags the fresh charge (Stripe: up to a minute), must find and refund
   * it. Before the fix it searched, found nothing, and left the customer charged for a failed
   * payment.
   */
  @Test
  void aChargeWhoseOutcomeWasNeverKnownIsRefundedAtOnceThoughSearchLags() {
    GatewayActivities activities = activitiesAgainst(Settings.defaults(KEY));
    PaymentRequest request = newPayment("pm_card_dropped");

    assertThatThrownBy(() -> activities.processPaymentWithGateway(request)).isInstanceOf(ActivityFailure.class);
    network.down = true;
    for (int attempt = 2; attempt <= 3; attempt++) {
      assertThatThrownBy(() -> activities.processPaymentWithGateway(request))
          .as("attempt %d", attempt).isInstanceOf(ActivityFailure.class);
    }
    network.down = false;
    assertThat(chargesOf(request)).as("the gateway charged once, whatever the caller heard").isEqualTo(1);

    RefundResult refund = activities.compensatePayment(request);

    assertThat(refund.refunded()).as("the compensation found the charge").isTrue();
    assertThat(refundsOf(request)).isEqualTo(1);
  }

  /**
   * Finding 6: the gateway began the charge and failed with a 500, which Stripe keeps under the
   * request's key: a retry under the same key only gets the 500 back. Before the fix all three
   * attempts did, and a payment that could have been charged failed. Run as the workflow runs it
   * (v2 on the dev server, its retry policy): the payment completes, charged once.
   */
  @Test
  void a500KeptUnderItsKeyDoesNotFailAPaymentThatCanBeCharged() {
    GatewayActivities activities = activitiesAgainst(Settings.defaults(KEY));
    PaymentRequest request = newPayment("pm_card_error500");
    PaymentResult result = onV2(request.paymentId()).process(request);

    assertThat(result.outcome()).isEqualTo("completed");
    assertThat(gateway.chargeAttempts(request.paymentId())).as("charge requests").isEqualTo(3);
    assertThat(chargesOf(request)).isEqualTo(1);
  }

  /**
   * Finding 4's other half as the workflow runs it (v2 on the dev server, its retry policy): the
   * confirm charges but its answer is lost, and at that moment the database goes away. Before the
   * fix the next two attempts failed reading the payment, the payment failed, and the good charge
   * was refunded (once the database came back); now the next attempt finds the charge through the
   * intent id in the activity's heartbeat, without the database, and the payment completes once
   * the database is back.
   */
  @Test
  void aDatabaseGoneRightAfterTheChargeDoesNotGetTheChargeRefunded() {
    activitiesAgainst(Settings.defaults(KEY).withSearchLag(Duration.ZERO), Clock.systemUTC(),
        new Waits(Duration.ofMillis(500), Duration.ofSeconds(10)));
    PaymentRequest request = newPayment("pm_card_dropped");
    network.afterConfirm = () -> cable.cut(Integer.MAX_VALUE);
    String workflowId = WorkflowIds.forPayment(request.paymentId());
    PaymentWorkflow typed = onV2(request.paymentId());
    io.temporal.client.WorkflowClient.start(typed::process, request);
    io.temporal.client.WorkflowStub workflow = io.temporal.client.WorkflowStub.fromTyped(typed);
    // The charge activity's outcome, whichever it is, is in the history: wait for it there.
    await().atMost(Duration.ofSeconds(60)).until(() -> chargeClosed(workflowId));
    assertThat(chargeCompleted(workflowId)).as("the charge activity succeeded without the database").isTrue();
    cable.mend();

    PaymentResult result = workflow.getResult(PaymentResult.class);

    assertThat(result.outcome()).isEqualTo("completed");
    assertThat(chargesOf(request)).isEqualTo(1);
    assertThat(refundsOf(request)).isZero();
  }

  /** Whether the charge activity has closed (completed, or failed for good), by the history. */
  private static boolean chargeClosed(String workflowId) {
    return chargeOutcome(workflowId).isPresent();
  }

  private static boolean chargeCompleted(String workflowId) {
    return chargeOutcome(workflowId).orElseThrow().hasActivityTaskCompletedEventAttributes();
  }

  private static java.util.Optional<io.temporal.api.history.v1.HistoryEvent> chargeOutcome(String workflowId) {
    var events = TEMPORAL.client().fetchHistory(workflowId).getEvents();
    var scheduled = events.stream()
        .filter(e -> e.hasActivityTaskScheduledEventAttributes()
            && e.getActivityTaskScheduledEventAttributes().getActivityType().getName().equals("ProcessPaymentWithGateway"))
        .findFirst();
    if (scheduled.isEmpty()) {
      return java.util.Optional.empty();
    }
    long id = scheduled.get().getEventId();
    return events.stream().filter(e ->
            (e.hasActivityTaskCompletedEventAttributes() && e.getActivityTaskCompletedEventAttributes().getScheduledEventId() == id)
            || (e.hasActivityTaskFailedEventAttributes() && e.getActivityTaskFailedEventAttributes().getScheduledEventId() == id)
            || (e.hasActivityTaskTimedOutEventAttributes() && e.getActivityTaskTimedOutEventAttributes().getScheduledEventId() == id))
        .findFirst();
  }

  /**
   * Issue 20, item 8: a workflow started from an event whose amount does not match the stored
   * payment (a bug upstream, a forged message) processes the real payment with its stored values
   * and raises an alert; it does not fail it. Before the fix validatePayment refused it as
   * payment_mismatch and the real payment ended failed (the test failed on it).
   */
  @Test
  void aWorkflowStartedWithAWrongAmountChargesTheStoredOneAndCompletes() {
    activitiesAgainst(Settings.defaults(KEY));
    PaymentRequest stored = newPayment("pm_card_visa");
    PaymentRequest wrong = new PaymentRequest(stored.paymentId(), stored.merchantId(), 1, "EUR", stored.correlationId());
    PaymentResult result = onV2(stored.paymentId()).process(wrong);

    assertThat(result.outcome()).isEqualTo("completed");
    assertThat(gateway.charges()).filteredOn(c -> c.paymentId().equals(stored.paymentId()))
        .singleElement().satisfies(c -> assertThat(c.amount()).isEqualTo(stored.amount()));
    assertThat(records.inputMismatches()).isEqualTo(1);
  }

  /**
   * Finding 5 (and any redrive or reset): a new workflow for a payment whose intent was already
   * made and charged finds it by the id on the payment's row and charges nothing more, however long
   * ago the first charge was and whatever the gateway remembers of its keys.
   */
  @Test
  void aSecondWorkflowForAChargedPaymentFindsItsChargeAndMakesNoOther() {
    GatewayActivities activities = activitiesAgainst(Settings.defaults(KEY));
    PaymentRequest request = newPayment("pm_card_visa");
    ChargeResult first = activities.processPaymentWithGateway(request);

    ChargeResult again = activities.processPaymentWithGateway(request);

    assertThat(again.gatewayReference()).isEqualTo(first.gatewayReference());
    assertThat(chargesOf(request)).isEqualTo(1);
  }

  /**
   * Finding 4: the database refuses connections for a moment as the charge begins. Before the fix
   * the attempt failed on its first read and one of the three attempts meant for the gateway was
   * gone (three such blips failed a payment nobody had tried to charge); now the blip is ridden
   * out and the first attempt charges.
   */
  @Test
  void aDatabaseBlipAtTheChargeSpendsNoneOfTheGatewaysAttempts() {
    GatewayActivities activities = activitiesAgainst(Settings.defaults(KEY));
    PaymentRequest request = newPayment("pm_card_visa");
    cable.cut(3);

    // One attempt is all the stub allows: it must charge.
    ChargeResult charge = activities.processPaymentWithGateway(request);

    assertThat(cable.refused()).isEqualTo(3);
    assertThat(charge.gatewayReference()).isEqualTo("pi_" + request.paymentId());
    assertThat(chargesOf(request)).isEqualTo(1);
  }

  /**
   * Finding 4's other half: the charge went through but its answer was lost, and then the
   * database hangs (here: refuses every connection) for the attempts that follow. Before the fix
   * each of them failed reading the payment, the payment failed, and its good charge was
   * refunded; now the intent's id rides in the activity's heartbeat and the next attempt finds
   * the charge without the database.
   */
  @Test
  void aRetryAfterAChargeNeedsNoDatabaseToFindIt() {
    GatewayActivities activities = activitiesAgainst(Settings.defaults(KEY));
    PaymentRequest request = newPayment("pm_card_dropped");
    java.util.concurrent.atomic.AtomicReference<Object> heartbeat = new java.util.concurrent.atomic.AtomicReference<>();
    environment.setActivityHeartbeatListener(String.class, heartbeat::set);
    failureOf(() -> activities.processPaymentWithGateway(request)); // charged, the answer lost
    assertThat(chargesOf(request)).isEqualTo(1);
    cable.cut(Integer.MAX_VALUE);
    environment.setHeartbeatDetails(heartbeat.get());

    ChargeResult charge = activities.processPaymentWithGateway(request);

    assertThat(charge.gatewayReference()).isEqualTo("pi_" + request.paymentId());
    assertThat(cable.refused()).as("the database was not asked").isZero();
    assertThat(chargesOf(request)).isEqualTo(1);
  }

  /**
   * Finding 3: the intent was made but its id could not be written (the database stayed away
   * past the activity's patience). Nothing may be charged, and the compensation that follows must
   * find the intent the row does not name and cancel it, so that it can never charge later.
   * Before the fix the compensation searched (which lags), found nothing, and left it open.
   */
  @Test
  void anIntentWhoseIdWasNeverWrittenChargesNothingAndTheCompensationCancelsIt() {
    GatewayActivities activities = activitiesAgainst(Settings.defaults(KEY), Clock.systemUTC(),
        new Waits(Duration.ofMillis(300), Duration.ofSeconds(10)));
    PaymentRequest request = newPayment("pm_card_visa");
    cable.cutAfter(1, 1_000); // the payment is read, then the database goes away

    assertThat(failureOf(() -> activities.processPaymentWithGateway(request)).getType())
        .isEqualTo(org.jdbi.v3.core.ConnectionException.class.getName());
    cable.mend();
    assertThat(gateway.chargeAttempts(request.paymentId())).as("never confirmed").isZero();

    RefundResult refund = activities.compensatePayment(request);

    assertThat(refund.refunded()).isFalse();
    assertThat(intentOf(request).status()).isEqualTo("canceled");
    assertThat(chargesOf(request)).isZero();
  }

  /**
   * Finding 2: an intent that settles asynchronously is followed to its outcome. Before the fix
   * the confirm's "processing" failed the attempt, and the payment failed after three though the
   * customer was charged a moment later.
   */
  @Test
  void anIntentThatSettlesWithinTheAttemptCompletesThePayment() {
    GatewayActivities activities = activitiesAgainst(
        Settings.defaults(KEY).withSettleDelay(Duration.ofMillis(500)), Clock.systemUTC(), Waits.DEFAULT);
    PaymentRequest request = newPayment("pm_card_processing");

    ChargeResult charge = activities.processPaymentWithGateway(request);

    assertThat(charge.gatewayReference()).isEqualTo("pi_" + request.paymentId());
    assertThat(chargesOf(request)).isEqualTo(1);
  }

  /**
   * Finding 2: an intent still processing after every attempt fails the charge, and the
   * compensation waits for it (it retries for days): once it settles and charges, it is refunded,
   * so the failed payment leaves its customer with nothing charged.
   */
  @Test
  void anIntentStillProcessingAfterTheLastAttemptIsRefundedOnceItSettles() {
    GatewaySimulatorTest.MovableClock clock = new GatewaySimulatorTest.MovableClock();
    GatewayActivities activities = activitiesAgainst(Settings.defaults(KEY), clock,
        new Waits(Duration.ofSeconds(10), Duration.ofMillis(300)));
    PaymentRequest request = newPayment("pm_card_processing");
    for (int attempt = 1; attempt <= 3; attempt++) {
      assertThat(retryable(failureOf(() -> activities.processPaymentWithGateway(request))))
          .as("attempt %d", attempt).contains("is still processing");
    }

    assertThat(retryable(failureOf(() -> activities.compensatePayment(request))))
        .as("the compensation waits too").contains("is still processing");
    clock.advance(GatewaySimulator.DEFAULT_SETTLE_DELAY);
    RefundResult refund = activities.compensatePayment(request);

    assertThat(refund.refunded()).isTrue();
    assertThat(chargesOf(request)).isEqualTo(1);
    assertThat(refundsOf(request)).isEqualTo(1);
  }

  /**
   * Finding 2: a card that needs 3-D Secure cannot be authenticated at a server-side charge: the
   * payment is declined and the intent canceled, so the customer cannot complete it later and be
   * charged for a failed payment. Before the fix it was left waiting for the customer.
   */
  @ParameterizedTest
  @CsvSource({"pm_card_authenticationRequired, authentication_required", "pm_card_chargeDeclined, generic_decline"})
  void aDeclinedOrUnauthenticatedIntentIsCanceled(String card, String code) {
    GatewayActivities activities = activitiesAgainst(Settings.defaults(KEY));
    PaymentRequest request = newPayment(card);

    ApplicationFailure failure = failureOf(() -> activities.processPaymentWithGateway(request));

    assertThat(failure.getType()).isEqualTo(FailureTypes.PAYMENT_DECLINED);
    assertThat(codeOf(failure)).isEqualTo(code);
    assertThat(intentOf(request).status()).isEqualTo("canceled");
    assertThat(chargesOf(request)).isZero();
  }

  /** Finding 2: an intent that settles declined declines the payment, charging nothing. */
  @Test
  void anIntentThatSettlesDeclinedDeclinesThePayment() {
    GatewayActivities activities = activitiesAgainst(
        Settings.defaults(KEY).withSettleDelay(Duration.ofMillis(500)), Clock.systemUTC(), Waits.DEFAULT);
    PaymentRequest request = newPayment("pm_card_processingDeclined");

    ApplicationFailure failure = failureOf(() -> activities.processPaymentWithGateway(request));

    assertThat(failure.getType()).isEqualTo(FailureTypes.PAYMENT_DECLINED);
    assertThat(codeOf(failure)).isEqualTo("generic_decline");
    assertThat(chargesOf(request)).isZero();
    assertThat(gateway.chargeAttempts(request.paymentId())).as("confirmed once, not again").isEqualTo(1);
  }

  /**
   * Finding 8, against the simulator's refunds: a pending refund is looked at again until it is
   * final; one that fails is a failure of the compensation (the workflow's refund_failed), never
   * counted as refunded.
   */
  @ParameterizedTest
  @CsvSource({"pm_card_refundPending, true", "pm_card_refundFail, false"})
  void aRefundIsFollowedUntilItSucceedsOrFails(String card, boolean succeeds) {
    GatewaySimulatorTest.MovableClock clock = new GatewaySimulatorTest.MovableClock();
    GatewayActivities activities = activitiesAgainst(Settings.defaults(KEY), clock, Waits.DEFAULT);
    PaymentRequest request = newPayment(card);
    activities.processPaymentWithGateway(request);

    assertThat(retryable(failureOf(() -> activities.compensatePayment(request)))).contains("is pending");
    clock.advance(GatewaySimulator.DEFAULT_SETTLE_DELAY);

    if (succeeds) {
      assertThat(activities.compensatePayment(request).refunded()).isTrue();
      assertThat(refundsOf(request)).isEqualTo(1);
    } else {
      ApplicationFailure failure = failureOf(() -> activities.compensatePayment(request));
      assertThat(failure.getType()).isEqualTo(FailureTypes.GATEWAY_REJECTED);
      assertThat(codeOf(failure)).isEqualTo("refund_failed");
      assertThat(refundsOf(request)).isZero();
    }
  }

  /**
   * Finding 5 with the gateway's memory as Stripe's: 25 hours after the charge its key is
   * forgotten (the simulator's own test shows a create under it then charges again), and a redrive
   * of the payment still finds the charge by the id on the row and makes no other.
   */
  @Test
  void aRedriveAfterTheGatewayForgotTheKeyFindsTheChargeAndMakesNoOther() {
    GatewaySimulatorTest.MovableClock clock = new GatewaySimulatorTest.MovableClock();
    GatewayActivities activities = activitiesAgainst(Settings.defaults(KEY), clock, Waits.DEFAULT);
    PaymentRequest request = newPayment("pm_card_visa");
    ChargeResult first = activities.processPaymentWithGateway(request);
    clock.advance(Duration.ofHours(25));

    ChargeResult again = activities.processPaymentWithGateway(request);

    assertThat(again.gatewayReference()).isEqualTo(first.gatewayReference());
    assertThat(chargesOf(request)).isEqualTo(1);
  }

  private long chargesOf(PaymentRequest request) {
    return gateway.charges().stream().filter(c -> c.paymentId().equals(request.paymentId())).count();
  }

  private long refundsOf(PaymentRequest request) {
    return gateway.refunds().stream().filter(r -> r.paymentId().equals(request.paymentId())).count();
  }

  /** The network between the worker and the gateway: the test can take it down. */
  static final class Network implements okhttp3.Interceptor {
    volatile boolean down;
    /** Run once a confirm has reached the gateway, whatever becomes of its answer. */
    volatile Runnable afterConfirm;

    @Override
    public okhttp3.Response intercept(Chain chain) throws java.io.IOException {
      if (down) {
        throw new java.net.ConnectException("network down (test)");
      }
      try {
        return chain.proceed(chain.request());
      } finally {
        Runnable hook = afterConfirm;
        if (hook != null && chain.request().url().encodedPath().endsWith("/confirm")) {
          afterConfirm = null;
          hook.run();
        }
      }
    }
  }

  private final Network network = new Network();

  private GatewayActivities activitiesAgainst(Settings settings) {
    return activitiesAgainst(settings, Clock.systemUTC(), Waits.DEFAULT);
  }

  private GatewayActivities activitiesAgainst(Settings settings, Clock clock, Waits waits) {
    gateway = new GatewaySimulator(settings, clock);
    gateway.start();
    client = new GatewayClient(
        // No silent retry on a broken connection: each fault reaches the activity, as the
        // workflow's attempts would see it.
        new OkHttpClient.Builder().readTimeout(5, TimeUnit.SECONDS).retryOnConnectionFailure(false)
            .addInterceptor(network).build(),
        gateway.baseUrl(), KEY);
    cable = new DatabaseCable(POSTGRES.dataSource());
    Jdbi jdbi = Store.jdbi(cable);
    records = new PaymentRecordActivitiesImpl(jdbi, "test");
    impl = new PaymentActivitySet(records, new RiskActivitiesImpl(jdbi, new RiskRules(null, Map.of(), Set.of())),
        new GatewayActivitiesImpl(jdbi, client, waits), new WebhookActivitiesImpl(jdbi, null, new ObjectMapper()));
    environment = TestActivityEnvironment.newInstance();
    environment.registerActivitiesImplementations(impl.implementations());
    return environment.newActivityStub(GatewayActivities.class, ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofSeconds(30))
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
        .build());
  }

  /**
   * The payment's workflow as the worker runs it: v2 on the dev server, with this test's
   * activities, on a queue of its own.
   */
  private PaymentWorkflow onV2(String paymentId) {
    String queue = "money-safety-" + UUID.randomUUID();
    workers = WorkerFactory.newInstance(TEMPORAL.client());
    Worker worker = workers.newWorker(queue);
    worker.registerWorkflowImplementationTypes(PaymentWorkflowV2Impl.class);
    worker.registerActivitiesImplementations(impl.implementations());
    workers.start();
    return TEMPORAL.client().newWorkflowStub(PaymentWorkflow.class,
        WorkflowOptions.newBuilder().setTaskQueue(queue).setWorkflowId(WorkflowIds.forPayment(paymentId)).build());
  }

  /** The failure an activity call ended with, as the workflow would see it. */
  private static ApplicationFailure failureOf(Runnable call) {
    Throwable thrown = catchThrowable(call::run);
    assertThat(thrown).isInstanceOf(ActivityFailure.class);
    assertThat(thrown.getCause()).isInstanceOf(ApplicationFailure.class);
    return (ApplicationFailure) thrown.getCause();
  }

  /** The message of a failure the workflow's retry policy retries. */
  private static String retryable(ApplicationFailure failure) {
    assertThat(failure.isNonRetryable()).as("retryable: " + failure.getOriginalMessage()).isFalse();
    assertThat(failure.getType()).isEqualTo(FailureTypes.GATEWAY_UNAVAILABLE);
    return failure.getOriginalMessage();
  }

  private static String codeOf(ApplicationFailure failure) {
    return failure.getDetails().get(0, String.class);
  }

  private GatewayIntent intentOf(PaymentRequest request) {
    return client.retrieve("pi_" + request.paymentId());
  }

  private PaymentRequest newPayment(String token) {
    PaymentDao payments = POSTGRES.jdbi().onDemand(PaymentDao.class);
    Merchant merchant = TestMerchants.create(POSTGRES.jdbi());
    String id = "pay_" + UUID.randomUUID().toString().replace("-", "");
    payments.create(new Payment(
        id, merchant.id(), 1999, "EUR", token, null, "{}",
        PaymentStatus.INITIATED, null, null, null, "corr-" + id, null, null));
    payments.transition(new StatusChange(id, PaymentStatus.PROCESSING, "test", null, null, null, "run-1"));
    // No endpoint: the webhook step records "skipped" and the scenarios stay about money.
    POSTGRES.jdbi().useHandle(h -> h.execute("UPDATE merchants SET webhook_url = NULL WHERE id = ?", merchant.id()));
    return new PaymentRequest(id, merchant.id(), 1999, "EUR", "corr-" + id);
  }
}
