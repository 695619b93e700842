package io.durapay.devstack.schedules;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.durapay.contracts.CancelRequest;
import io.durapay.contracts.GatewayActivities;
import io.durapay.contracts.PaymentRequest;
import io.durapay.contracts.PaymentResult;
import io.durapay.contracts.PaymentStatus;
import io.durapay.contracts.PaymentWorkflow;
import io.durapay.contracts.WorkflowIds;
import io.durapay.devstack.gateway.GatewaySimulator;
import io.durapay.devstack.gateway.SimulatedCharge;
import io.durapay.devstack.gateway.SimulatedRefund;
import io.durapay.store.Merchant;
import io.durapay.store.MerchantDao;
import io.durapay.store.Payment;
import io.durapay.store.PaymentDao;
import io.durapay.store.Store;
import io.durapay.worker.activities.PaymentActivitySet;
import io.durapay.worker.gateway.GatewayActivitiesImpl;
import io.durapay.worker.gateway.GatewayClient;
import io.durapay.worker.risk.RiskRules;
import io.durapay.worker.v2.PaymentWorkflowV2Impl;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import okhttp3.OkHttpClient;
import org.jdbi.v3.core.Jdbi;

/**
 * The seeded randomized fault-schedule run: payments, each with a {@link FaultSchedule} drawn
 * from one seed, carried by the v2 workflow and the real activities (PostgreSQL, the gateway
 * simulator over HTTP) in Temporal's time-skipping test environment, so that retries and refunds
 * that wait minutes or days take no real time; the simulator's clock is the environment's. When
 * every workflow has closed, the books are checked against the simulator's ledger:
 *
 * <ul>
 *   <li>every payment is final;
 *   <li>never two charges for one payment;
 *   <li>a payment is completed exactly when its customer ends charged (charges minus refunds);
 *   <li>a failed or cancelled one ends with nothing charged, except one whose refund the gateway
 *       failed, which must then say {@code refund_failed} (the alert a person acts on).
 * </ul>
 *
 * A violation names the seed, the payment and its schedule, so the run can be repeated.
 *
 * <p>Long because one run sets up the whole path (time-skipping environment, the simulator on the
 * environment's clock, the real activities), drives the payments and checks the books against the
 * simulator's ledger; it stays one class because the check reads the schedules, results and
 * simulator that the run made, so that a seed alone repeats it.
 */
public final class FaultScheduleRun {

  /** What the run saw: outcomes counted, and every violation of the invariants. */
  public record Report(long seed, int payments, Map<String, Integer> outcomes, List<String> violations) {
    public boolean ok() {
      return violations.isEmpty();
    }

    @Override
    public String toString() {
      return "seed " + seed + ": " + payments + " payments, outcomes " + outcomes
          + (ok() ? ", no violation" : ", " + violations.size() + " violations:\n  " + String.join("\n  ", violations));
    }
  }

  private static final String KEY = "sk_test_fault_schedules";

  private FaultScheduleRun() {}

  /**
   * Runs {@code count} schedules drawn from {@code seed}, {@code concurrency} payments at a time,
   * on a migrated database.
   */
  public static Report run(DataSource database, long seed, int count, int concurrency) throws Exception {
    return run(database, seed, count, concurrency, activities -> activities);
  }

  /**
   * The same run with the activities the worker registers replaced by {@code activities} of the
   * real ones: a negative control wraps them in a broken compensation and expects violations.
   */
  public static Report run(
      DataSource database, long seed, int count, int concurrency,
      java.util.function.UnaryOperator<GatewayActivities> gatewaySide) throws Exception {
    Jdbi jdbi = Store.jdbi(database);
    Random random = new Random(seed);
    TestWorkflowEnvironment environment = TestWorkflowEnvironment.newInstance();
    GatewaySimulator gateway = new GatewaySimulator(
        new GatewaySimulator.Settings(0, KEY, 2, Duration.ofMillis(300), Duration.ZERO, Duration.ofMillis(1_500))
            .withSettleDelay(Duration.ofSeconds(1)),
        new EnvironmentClock(environment));
    gateway.start();
    GatewayClient client = new GatewayClient(
        new OkHttpClient.Builder().readTimeout(1, TimeUnit.SECONDS).retryOnConnectionFailure(false).build(),
        gateway.baseUrl(), KEY);
    try {
      String queue = "fault-schedules";
      Worker worker = environment.newWorker(queue);
      worker.registerWorkflowImplementationTypes(PaymentWorkflowV2Impl.class);
      PaymentActivitySet activities = PaymentActivitySet.of(
          jdbi, client, null, new ObjectMapper(), new RiskRules(null, Map.of(), Set.of()), "v2",
          new GatewayActivitiesImpl.Waits(Duration.ofSeconds(1), Duration.ofSeconds(3)));
      worker.registerActivitiesImplementations(
          activities.withGateway(gatewaySide.apply(activities.gateway())).implementations());
      environment.start();
      Merchant merchant = merchant(jdbi, seed);
      Map<String, FaultSchedule> schedules = new TreeMap<>();
      Map<String, PaymentResult> results = new TreeMap<>();
      for (int start = 0; start < count; start += concurrency) {
        List<String> ids = new ArrayList<>();
        for (int i = start; i < Math.min(count, start + concurrency); i++) {
          FaultSchedule schedule = FaultSchedule.draw(random);
          String id = "pay_s" + seed + "_" + i;
          schedules.put(id, schedule);
          ids.add(id);
          startPayment(jdbi, environment.getWorkflowClient(), gateway, merchant, id, schedule, queue);
        }
        // A blocking wait for a result is what lets the environment skip time while every
        // workflow waits (a retry's backoff, v2's settle window, a refund's next look); the
        // others carry on meanwhile. The bound guards against a hang; it measures nothing.
        for (String id : ids) {
          results.put(id, environment.getWorkflowClient().newUntypedWorkflowStub(WorkflowIds.forPayment(id))
              .getResult(10, TimeUnit.MINUTES, PaymentResult.class));
        }
      }
      return check(seed, jdbi, gateway, schedules, results);
    } finally {
      environment.close();
      gateway.stop();
      client.close();
    }
  }

  private static void startPayment(
      Jdbi jdbi, WorkflowClient temporal, GatewaySimulator gateway, Merchant merchant, String id,
      FaultSchedule schedule, String queue) {
    long amount = 100 + Math.floorMod(id.hashCode(), 9_900);
    jdbi.onDemand(PaymentDao.class).create(new Payment(
        id, merchant.id(), amount, "EUR", schedule.card(), null, "{}",
        PaymentStatus.INITIATED, null, null, null, "corr-" + id, null, null));
    gateway.script(id, schedule.faults());
    PaymentRequest request = new PaymentRequest(id, merchant.id(), amount, "EUR", "corr-" + id);
    PaymentWorkflow workflow = temporal.newWorkflowStub(PaymentWorkflow.class,
        WorkflowOptions.newBuilder().setTaskQueue(queue).setWorkflowId(WorkflowIds.forPayment(id)).build());
    WorkflowClient.start(workflow::process, request);
    if (schedule.cancelled()) {
      temporal.newWorkflowStub(PaymentWorkflow.class, WorkflowIds.forPayment(id))
          .cancel(new CancelRequest("merchant cancelled (schedule)", "fault-schedule run"));
    }
  }

  private static Report check(
      long seed, Jdbi jdbi, GatewaySimulator gateway, Map<String, FaultSchedule> schedules,
      Map<String, PaymentResult> results) {
    Map<String, Long> charges = gateway.charges().stream()
        .collect(Collectors.groupingBy(SimulatedCharge::paymentId, Collectors.counting()));
    Map<String, Long> refunds = gateway.refunds().stream()
        .collect(Collectors.groupingBy(SimulatedRefund::paymentId, Collectors.counting()));
    PaymentDao payments = jdbi.onDemand(PaymentDao.class);
    List<String> violations = new ArrayList<>();
    Map<String, Integer> outcomes = new TreeMap<>();
    schedules.forEach((id, schedule) -> {
      Payment payment = payments.findById(id).orElseThrow();
      PaymentResult result = results.get(id);
      outcomes.merge(result.outcome(), 1, Integer::sum);
      long charged = charges.getOrDefault(id, 0L);
      long net = charged - refunds.getOrDefault(id, 0L);
      String what = id + " " + schedule + " ended " + payment.status().wireName() + "/" + result.outcome()
          + " (" + payment.failureCode() + "), charges " + charged + ", net " + net;
      if (!payment.status().isFinal()) {
        violations.add("not final: " + what);
      }
      if (charged > 1) {
        violations.add("charged twice: " + what);
      }
      boolean completed = payment.status() == PaymentStatus.COMPLETED;
      boolean refundFailed = "refund_failed".equals(payment.failureCode());
      if (completed && net != 1) {
        violations.add("completed but the customer is not charged once: " + what);
      }
      if (!completed && net != 0 && !(refundFailed && schedule.refundFails() && net == 1)) {
        violations.add("not completed but the customer is charged: " + what);
      }
      if (refundFailed && !schedule.refundFails()) {
        violations.add("refund_failed though the gateway refunds this card: " + what);
      }
    });
    return new Report(seed, schedules.size(), outcomes, violations);
  }

  private static Merchant merchant(Jdbi jdbi, long seed) {
    Merchant merchant = new Merchant("mer_schedules_" + seed + "_" + System.nanoTime(), "Fault schedules",
        "key_schedules_" + System.nanoTime(), new byte[32], null, "whsec_dGVzdA==", null, null, null, null);
    jdbi.useExtension(MerchantDao.class, dao -> dao.insert(merchant));
    return merchant;
  }

  /** The test environment's time, which skips ahead while every workflow waits. */
  private static final class EnvironmentClock extends Clock {
    private final TestWorkflowEnvironment environment;

    EnvironmentClock(TestWorkflowEnvironment environment) {
      this.environment = environment;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException("the environment's clock is UTC");
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(environment.currentTimeMillis());
    }
  }
}
