package io.durapay.devstack.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.durapay.contracts.PaymentRequest;
import io.durapay.contracts.PaymentResult;
import io.durapay.contracts.PaymentStatus;
import io.durapay.contracts.PaymentWorkflow;
import io.durapay.contracts.StatusChange;
import io.durapay.contracts.WorkflowIds;
import io.durapay.contracts.WorkflowStarter;
import io.durapay.devstack.gateway.GatewaySimulator.Settings;
import io.durapay.store.Merchant;
import io.durapay.store.Payment;
import io.durapay.store.PaymentDao;
import io.durapay.store.testing.PostgresExtension;
import io.durapay.store.testing.TemporalServer;
import io.durapay.store.testing.TestMerchants;
import io.durapay.worker.activities.PaymentActivitySet;
import io.durapay.worker.gateway.GatewayActivitiesImpl;
import io.durapay.worker.gateway.GatewayClient;
import io.durapay.worker.gateway.GatewayIntent;
import io.durapay.worker.resolver.UnknownOutcomeResolver;
import io.durapay.worker.risk.RiskRules;
import io.durapay.worker.v2.PaymentWorkflowV2Impl;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The unknown-outcome resolver on the dev server: a payment left processing after its workflow
 * was lost is settled with the gateway by a new run; one whose workflow still runs is left to it
 * and, past the alert threshold, counted as unresolved.
 */
class UnknownOutcomeResolverIT {
  @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();
  @RegisterExtension static final TemporalServer TEMPORAL = new TemporalServer();

  private static final String KEY = "sk_test_resolver";

  private final String queue = "resolver-" + UUID.randomUUID();
  private GatewaySimulator gateway;
  private GatewayClient client;
  private WorkerFactory workers;
  private UnknownOutcomeResolver resolver;

  @BeforeEach
  void setUp() {
    gateway = new GatewaySimulator(Settings.defaults(KEY));
    gateway.start();
    client = new GatewayClient(new OkHttpClient(), gateway.baseUrl(), KEY);
    workers = WorkerFactory.newInstance(TEMPORAL.client());
    Worker worker = workers.newWorker(queue);
    worker.registerWorkflowImplementationTypes(PaymentWorkflowV2Impl.class);
    worker.registerActivitiesImplementations(PaymentActivitySet.of(
        POSTGRES.jdbi(), client, null, new ObjectMapper(), new RiskRules(null, Map.of(), Set.of()), "v2",
        GatewayActivitiesImpl.Waits.DEFAULT).implementations());
    workers.start();
    resolver = new UnknownOutcomeResolver(
        POSTGRES.jdbi(), TEMPORAL.client(), queue, Duration.ofMinutes(5), Duration.ofMinutes(30), 100);
  }

  @AfterEach
  void tearDown() {
    workers.shutdownNow();
    gateway.stop();
  }

  /**
   * Finding 1's "nothing ever looks again": the customer was charged, then the payment's workflow
   * was lost (terminated, its history gone) before it recorded the outcome. Before the resolver
   * the payment stayed processing for ever; now a sweep hands it to a new run, which finds the
   * charge by the intent id on the row, completes the payment and charges nothing more.
   */
  @Test
  void aChargedPaymentWhoseWorkflowWasLostIsCompletedByANewRun() {
    PaymentRequest request = processingPayment();
    GatewayIntent intent = client.createIntent(request.paymentId(), request.amount(), "EUR", "pm_card_visa");
    POSTGRES.jdbi().onDemand(PaymentDao.class).recordGatewayReference(request.paymentId(), intent.id());
    client.confirm(request.paymentId(), intent.id(), 1);
    idleFor(request, Duration.ofMinutes(10));

    UnknownOutcomeResolver.Sweep sweep = resolver.sweepOnce();

    assertThat(sweep.restarted()).containsExactly(request.paymentId());
    PaymentResult result = TEMPORAL.client()
        .newUntypedWorkflowStub(WorkflowIds.forPayment(request.paymentId())).getResult(PaymentResult.class);
    assertThat(result.outcome()).isEqualTo("completed");
    assertThat(statusOf(request)).isEqualTo(PaymentStatus.COMPLETED);
    assertThat(gateway.charges()).hasSize(1);
    assertThat(resolver.sweepOnce().examined()).as("nothing left").isZero();
  }

  /**
   * A payment whose workflow still runs (here: no worker polls its queue) belongs to that
   * workflow: the resolver starts nothing, and once it has waited past the alert threshold it is
   * counted as unresolved, which turns the worker's health check unhealthy.
   */
  @Test
  void aPaymentWhoseWorkflowStillRunsIsLeftToItAndCountedOnceItIsOverdue() {
    PaymentRequest request = processingPayment();
    WorkflowClient temporal = TEMPORAL.client();
    PaymentWorkflow running = temporal.newWorkflowStub(PaymentWorkflow.class,
        WorkflowStarter.options(request, "nobody-polls-" + UUID.randomUUID()));
    WorkflowClient.start(running::process, request);
    try {
      idleFor(request, Duration.ofMinutes(10));
      UnknownOutcomeResolver.Sweep early = resolver.sweepOnce();
      assertThat(early.restarted()).isEmpty();
      assertThat(early.ownedByWorkflow()).isEqualTo(1);
      assertThat(early.unresolvedPastAlert()).isZero();

      idleFor(request, Duration.ofMinutes(40));
      UnknownOutcomeResolver.Sweep overdue = resolver.sweepOnce();

      assertThat(overdue.restarted()).isEmpty();
      assertThat(overdue.unresolvedPastAlert()).isEqualTo(1);
      assertThat(gateway.chargeAttempts(request.paymentId())).isZero();
    } finally {
      WorkflowStub.fromTyped(running).terminate("test over");
    }
  }

  private PaymentRequest processingPayment() {
    PaymentDao payments = POSTGRES.jdbi().onDemand(PaymentDao.class);
    Merchant merchant = TestMerchants.create(POSTGRES.jdbi());
    POSTGRES.jdbi().useHandle(h -> h.execute("UPDATE merchants SET webhook_url = NULL WHERE id = ?", merchant.id()));
    String id = "pay_" + UUID.randomUUID().toString().replace("-", "");
    payments.create(new Payment(
        id, merchant.id(), 1999, "EUR", "pm_card_visa", null, "{}",
        PaymentStatus.INITIATED, null, null, null, "corr-" + id, null, null));
    payments.transition(new StatusChange(id, PaymentStatus.PROCESSING, "test", null, null, null, "run-lost"));
    return new PaymentRequest(id, merchant.id(), 1999, "EUR", "corr-" + id);
  }

  /** Nothing has moved the payment for {@code idle}: its row says so. */
  private static void idleFor(PaymentRequest request, Duration idle) {
    POSTGRES.jdbi().useHandle(h -> h.execute(
        "UPDATE payments SET updated_at = now() - make_interval(secs => ?) WHERE id = ?",
        (double) idle.toSeconds(), request.paymentId()));
  }

  private static PaymentStatus statusOf(PaymentRequest request) {
    return POSTGRES.jdbi().onDemand(PaymentDao.class).findById(request.paymentId()).orElseThrow().status();
  }
}
