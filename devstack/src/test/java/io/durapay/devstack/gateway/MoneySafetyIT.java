package io.durapay.devstack.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.durapay.contracts.ChargeResult;
import io.durapay.contracts.PaymentActivities;
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
import io.durapay.store.PaymentDao;
import io.durapay.store.testing.PostgresExtension;
import io.durapay.store.testing.TemporalServer;
import io.durapay.store.testing.TestMerchants;
import io.durapay.worker.activities.PaymentActivitiesImpl;
import io.durapay.worker.gateway.GatewayClient;
import io.durapay.worker.risk.RiskRules;
import io.durapay.worker.v2.PaymentWorkflowV2Impl;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.testing.TestActivityEnvironment;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

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
  private PaymentActivitiesImpl impl;
  private TestActivityEnvironment environment;

  @AfterEach
  void tearDown() {
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
    PaymentActivities activities = activitiesAgainst(Settings.defaults(KEY));
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
    PaymentActivities activities = activitiesAgainst(Settings.defaults(KEY));
    PaymentRequest request = newPayment("pm_card_error500");
    String queue = "money-safety-" + UUID.randomUUID();
    WorkerFactory factory = WorkerFactory.newInstance(TEMPORAL.client());
    Worker worker = factory.newWorker(queue);
    worker.registerWorkflowImplementationTypes(PaymentWorkflowV2Impl.class);
    worker.registerActivitiesImplementations(impl);
    factory.start();
    try {
      PaymentResult result = TEMPORAL.client().newWorkflowStub(PaymentWorkflow.class, WorkflowOptions.newBuilder()
              .setTaskQueue(queue).setWorkflowId(WorkflowIds.forPayment(request.paymentId())).build())
          .process(request);

      assertThat(result.outcome()).isEqualTo("completed");
      assertThat(gateway.chargeAttempts(request.paymentId())).as("charge requests").isEqualTo(3);
      assertThat(chargesOf(request)).isEqualTo(1);
    } finally {
      factory.shutdownNow();
    }
  }

  /**
   * Finding 5 (and any redrive or reset): a new workflow for a payment whose intent was already
   * made and charged finds it by the id on the payment's row and charges nothing more, however long
   * ago the first charge was and whatever the gateway remembers of its keys.
   */
  @Test
  void aSecondWorkflowForAChargedPaymentFindsItsChargeAndMakesNoOther() {
    PaymentActivities activities = activitiesAgainst(Settings.defaults(KEY));
    PaymentRequest request = newPayment("pm_card_visa");
    ChargeResult first = activities.processPaymentWithGateway(request);

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

    @Override
    public okhttp3.Response intercept(Chain chain) throws java.io.IOException {
      if (down) {
        throw new java.net.ConnectException("network down (test)");
      }
      return chain.proceed(chain.request());
    }
  }

  private final Network network = new Network();

  private PaymentActivities activitiesAgainst(Settings settings) {
    gateway = new GatewaySimulator(settings);
    gateway.start();
    GatewayClient client = new GatewayClient(
        // No silent retry on a broken connection: each fault reaches the activity, as the
        // workflow's attempts would see it.
        new OkHttpClient.Builder().readTimeout(5, TimeUnit.SECONDS).retryOnConnectionFailure(false)
            .addInterceptor(network).build(),
        gateway.baseUrl(), KEY);
    impl = new PaymentActivitiesImpl(
        POSTGRES.jdbi(), client, null, new ObjectMapper(), new RiskRules(null, Map.of(), Set.of()), "test");
    environment = TestActivityEnvironment.newInstance();
    environment.registerActivitiesImplementations(impl);
    return environment.newActivityStub(PaymentActivities.class, ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofSeconds(30))
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
        .build());
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
