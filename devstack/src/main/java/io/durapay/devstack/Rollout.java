package io.durapay.devstack;

import io.durapay.apiclient.ApiClient;
import io.durapay.contracts.PaymentStatus;
import io.durapay.contracts.TaskQueues;
import io.durapay.contracts.WorkflowIds;
import io.durapay.devstack.gateway.GatewaySimulator;
import io.durapay.store.Payment;
import io.durapay.store.PaymentDao;
import io.durapay.store.StatusHistoryEntry;
import io.durapay.worker.v2.PaymentWorkflowV2Impl;
import io.temporal.api.enums.v1.EventType;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.ReplayResults;
import io.temporal.testing.WorkflowReplayer;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * A blue/green rollout on the running devstack, done the way docs/ROLLOUT.md says and checked
 * payment by payment. Green (v2) is deployed on its own queue; blue (v1) takes 20 payments and the
 * gateway holds their charges; blue's in-flight histories are replayed on v2; the route moves to
 * green, which takes 20 more; half of blue's charges are let through and blue finishes them;
 * green starts polling blue's queue; blue is stopped with its other 10 charges still in flight,
 * handing them back; the gateway lets everything through and green finishes blue's stragglers.
 *
 * <p>Expected: all 40 completed, each charged exactly once and never refunded, a verified webhook
 * for each, no workflow task failed (a non-determinism error would fail one), and the database
 * showing which build moved each payment.
 *
 * <p>Long because it scripts all eight steps of the rollout, holding and releasing the gateway's
 * charges between them, and then builds and prints the per-payment report; they stay in one class
 * because the steps and the report share the blue and green payment lists, the stack and the
 * simulator.
 */
public final class Rollout {
  static final int PER_BUILD = 20;
  private static final Duration STEP_DEADLINE = Duration.ofSeconds(60);
  private static final Duration FINISH_DEADLINE = Duration.ofSeconds(150);

  /**
   * What became of one payment.
   *
   * @param startedOn the task queue its workflow was started on
   * @param builds the worker builds that moved it, in order of its status changes
   * @param chargeRequests charge requests the gateway received for it, retries included
   * @param charges charges the gateway made for it
   * @param failedWorkflowTasks workflow tasks that failed, non-determinism included
   */
  public record PaymentReport(
      String paymentId,
      String startedOn,
      List<String> builds,
      PaymentStatus status,
      int chargeRequests,
      long charges,
      long refunds,
      boolean webhookVerified,
      long failedWorkflowTasks) {

    public boolean asExpected() {
      return status == PaymentStatus.COMPLETED
          && charges == 1
          && refunds == 0
          && webhookVerified
          && failedWorkflowTasks == 0;
    }

    /** The build that made the last status change. */
    public String finishedBy() {
      return builds.isEmpty() ? null : builds.get(builds.size() - 1);
    }
  }

  /**
   * The outcome.
   *
   * @param blue the payments started on blue: the first half finished by blue, the rest adopted
   * @param green the payments started on green after the switch
   * @param replayedOnGreen blue's in-flight histories that replayed on v2 before the switch
   */
  public record Report(
      List<PaymentReport> blue, List<PaymentReport> green, int replayedOnGreen) {

    public boolean ok() {
      return replayedOnGreen == PER_BUILD
          && blue.stream().allMatch(PaymentReport::asExpected)
          && green.stream().allMatch(PaymentReport::asExpected);
    }
  }

  private final Stack stack;
  private final PrintStream out;
  private final ApiClient api;
  private final PaymentDao payments;

  public Rollout(Stack stack, PrintStream out) {
    this.stack = stack;
    this.out = out;
    this.api = new ApiClient(stack::apiUrl);
    this.payments = stack.jdbi().onDemand(PaymentDao.class);
  }

  /** Runs the rollout on a stack started with blue only ({@code --workers v1 --route v1}). */
  public Report run() throws Exception {
    GatewaySimulator gateway =
        Objects.requireNonNull(
            stack.gateway(), "the rollout holds charges in the gateway simulator: unset GATEWAY_URL");

    // Green is deployed first: it polls its own, empty queue until the switch, and every second
    // blue's charges are held counts against their attempts (25 s each, three of them).
    step("1/8 deploy green: a v2 worker polling %s", TaskQueues.PAYMENTS_V2);
    stack.startWorker("v2", TaskQueues.PAYMENTS_V2, 0);

    step("2/8 blue (v1) takes %d payments; the gateway holds their charges", PER_BUILD);
    gateway.holdCharges();
    Instant blueHeldSince = Instant.now();
    List<String> blue = createPayments("rollout: blue");
    awaitCondition("blue's charges waiting at the gateway",
        () -> gateway.heldPayments().containsAll(blue), STEP_DEADLINE);

    step("3/8 replay gate: blue's in-flight histories on v2");
    int replayed = replayOnGreen(blue);
    out.printf("      %d of %d replayed without a non-determinism error%n", replayed, blue.size());
    if (replayed != blue.size()) {
      out.println("      stopping here: green must not take traffic");
      gateway.releaseAll();
      return new Report(List.of(), List.of(), replayed);
    }

    step("4/8 switch the route to green; green takes %d payments, held too", PER_BUILD);
    stack.switchRoute("v2");
    List<String> green = createPayments("rollout: green");
    awaitCondition("green's charges waiting at the gateway",
        () -> gateway.heldPayments().containsAll(green), STEP_DEADLINE);

    List<String> finishedOnBlue = blue.subList(0, PER_BUILD / 2);
    List<String> stragglers = blue.subList(PER_BUILD / 2, PER_BUILD);
    step("5/8 let %d of blue's charges through; blue finishes them", finishedOnBlue.size());
    gateway.release(finishedOnBlue);
    awaitFinal(finishedOnBlue, STEP_DEADLINE);

    step("6/8 green adopts blue's queue: a v2 worker polling %s", TaskQueues.PAYMENTS_V1);
    stack.startWorker("v2", TaskQueues.PAYMENTS_V1, 0);

    step("7/8 stop blue with %d charges still in flight (it hands them back)", stragglers.size());
    stack.stopWorker("v1", TaskQueues.PAYMENTS_V1);
    // Each charge attempt waits at most 25 s at the gateway and a charge has three: held for
    // more than about 50 s, the attempt blue hands back is the last, and the payment fails instead.
    out.printf("      blue's charges were held for %d s%n",
        Duration.between(blueHeldSince, Instant.now()).toSeconds());

    step("8/8 the gateway lets everything through; green finishes blue's stragglers");
    gateway.releaseAll();
    List<String> all = new ArrayList<>(blue);
    all.addAll(green);
    awaitFinal(all, FINISH_DEADLINE);
    awaitCondition("a webhook for every payment",
        () -> all.stream().allMatch(this::webhookVerified), STEP_DEADLINE);

    Report report = new Report(reports(blue), reports(green), replayed);
    print(report);
    return report;
  }

  private List<String> createPayments(String description) throws IOException, InterruptedException {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < PER_BUILD; i++) {
      ids.add(api.createPayment(stack.demoMerchant().apiKey(), "pm_card_visa", description));
    }
    return ids;
  }

  /** Replays the histories of blue's workflows, as they stand, on the v2 workflow code. */
  private int replayOnGreen(List<String> paymentIds) throws Exception {
    List<WorkflowExecutionHistory> histories = new ArrayList<>();
    for (String id : paymentIds) {
      histories.add(stack.workflowClient().fetchHistory(WorkflowIds.forPayment(id)));
    }
    ReplayResults results =
        WorkflowReplayer.replayWorkflowExecutions(histories, false, PaymentWorkflowV2Impl.class);
    results.allErrors().forEach(error ->
        out.printf("      %s: %s%n", error.workflowId, error.exception.getMessage()));
    return histories.size() - results.allErrors().size();
  }

  private List<PaymentReport> reports(List<String> paymentIds) {
    GatewaySimulator gateway = stack.gateway();
    List<PaymentReport> reports = new ArrayList<>();
    for (String id : paymentIds) {
      Payment payment = payments.findById(id).orElseThrow();
      List<String> builds = payments.history(id).stream()
          .map(StatusHistoryEntry::workerBuild)
          .filter(Objects::nonNull)
          .toList();
      long charges = gateway.charges().stream().filter(c -> c.paymentId().equals(id)).count();
      long refunds = gateway.refunds().stream().filter(r -> r.paymentId().equals(id)).count();
      long failedTasks = stack.workflowClient().fetchHistory(WorkflowIds.forPayment(id)).getEvents()
          .stream()
          .filter(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED)
          .count();
      reports.add(new PaymentReport(id, payment.taskQueue(), builds, payment.status(),
          gateway.chargeAttempts(id), charges, refunds, webhookVerified(id), failedTasks));
    }
    return reports;
  }

  private boolean webhookVerified(String paymentId) {
    return stack.webhooks().deliveriesFor(paymentId).stream().anyMatch(d -> d.verified());
  }

  private void awaitFinal(Collection<String> paymentIds, Duration deadline) throws InterruptedException {
    awaitCondition(paymentIds.size() + " payments final",
        () -> paymentIds.stream().allMatch(id -> payments.findById(id).orElseThrow().status().isFinal()),
        deadline);
  }

  private void awaitCondition(String what, BooleanSupplier condition, Duration timeout)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException("rollout: no " + what + " within " + timeout.toSeconds() + " s");
      }
      Thread.sleep(100);
    }
  }

  private void step(String format, Object... args) {
    out.printf("%s  " + format + "%n", prepend(Instant.now(), args));
  }

  private static Object[] prepend(Object first, Object[] rest) {
    Object[] all = new Object[rest.length + 1];
    all[0] = first;
    System.arraycopy(rest, 0, all, 1, rest.length);
    return all;
  }

  private void print(Report report) {
    String format = "%-30s %-22s %-8s %-10s %-8s %-7s %-7s %-8s %s%n";
    out.println();
    out.printf(format, "payment", "started on", "builds", "status", "requests", "charges",
        "webhook", "wf-fails", "");
    List<PaymentReport> all = new ArrayList<>(report.blue());
    all.addAll(report.green());
    for (PaymentReport p : all) {
      out.printf(format, p.paymentId(), p.startedOn(), String.join(">", p.builds().stream().distinct().toList()),
          p.status().name().toLowerCase(), p.chargeRequests(), p.charges(),
          p.webhookVerified() ? "yes" : "no", p.failedWorkflowTasks(), p.asExpected() ? "ok" : "UNEXPECTED");
    }
    long adopted = report.blue().stream().filter(p -> "v2".equals(p.finishedBy())).count();
    out.printf("%nblue: %d finished by v1, %d adopted and finished by v2; green: %d; %s%n",
        report.blue().size() - adopted, adopted, report.green().size(),
        report.ok() ? "all as expected" : "NOT all as expected");
  }
}
