package io.durapay.devstack;

import io.durapay.apiclient.ApiClient;
import io.durapay.contracts.PaymentStatus;
import io.durapay.contracts.WorkflowIds;
import io.durapay.devstack.gateway.GatewaySimulator;
import io.durapay.rollout.VersionedRollout;
import io.durapay.store.Payment;
import io.durapay.store.PaymentDao;
import io.durapay.store.StatusHistoryEntry;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.common.VersioningBehavior;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code ci/rollout --strategy versioning} on the running devstack, under load, checked payment by
 * payment. The stack turns to Worker Versioning with v1 current; payments arrive all along (one
 * every {@link #EVERY}), and the gateway holds every fourth one's charge (see {@link #load}), so
 * that some are in flight through each ramp step and through blue's stop; the rollout deploys
 * green (v2), gates, ramps, promotes, moves blue's last workflows to green and stops blue.
 *
 * <p>Expected with a good green: the rollout exits 0 and every payment completed, charged exactly
 * once, never refunded, a verified webhook each, no failed workflow task, and the server's record
 * of the version that ran each payment agreeing with the build the database recorded last.
 *
 * <p>Long because it is the whole check: the load with its charge holds, the rollout launched with
 * its hook commands, and the per-payment report and table; they stay in one class because the load,
 * the wait and the report all work from the same list of payments made and the same gateway
 * simulator.
 */
public final class VersionedRolloutRun {
  static final String DEPLOYMENT = "durapay-payments";
  static final Duration EVERY = Duration.ofMillis(300);
  static final Duration HOLD = Duration.ofSeconds(8);
  static final Duration LONGEST_HOLD = Duration.ofSeconds(22);
  /** Payments blue finishes before the rollout begins. */
  static final int BLUE_FIRST = 5;
  private static final Duration FINISH_DEADLINE = Duration.ofSeconds(150);
  /** The demo's ramp: short pauses and small samples, so that it lasts about a minute. */
  public static final List<String> DEMO_ARGS = List.of(
      "--steps", "10,50,100", "--step-pause", "4s", "--min-payments", "3", "--step-timeout", "90s",
      "--baseline", "1m", "--since", "1h", "--drain-timeout", "1s");

  /**
   * Runs the rollout on {@code stack} (its control server at {@code controlUrl}) with these
   * arguments and environment (hooks, database user); returns its exit status.
   */
  public interface Launcher {
    int launch(Stack stack, String controlUrl, List<String> args, Map<String, String> env, PrintStream out)
        throws Exception;
  }

  /** The rollout program in this process (the demo), told the stack's addresses. */
  public static Launcher inProcess() {
    return (stack, controlUrl, rolloutArgs, env, out) -> {
      List<String> args = new ArrayList<>(List.of(
          "--temporal", stack.temporalTarget(), "--database-url", stack.jdbcUrl(), "--deployment", DEPLOYMENT));
      args.addAll(rolloutArgs);
      return VersionedRollout.run(args.toArray(String[]::new), env, out);
    };
  }

  /**
   * What became of one payment.
   *
   * @param builds the worker builds that moved it (database), in order
   * @param serverBuild the build id the server has its workflow on
   * @param overrideBuild the build a versioning override pinned it to (the rollout moving blue's
   *     last workflows to green), or ""
   * @param failedWorkflowTasks workflow tasks that failed, non-determinism included
   */
  public record PaymentReport(
      String paymentId,
      List<String> builds,
      String serverBuild,
      String overrideBuild,
      PaymentStatus status,
      String failureCode,
      long charges,
      long refunds,
      boolean webhookVerified,
      long failedWorkflowTasks) {

    /**
     * The server and the database name the same last build; or the rollout moved the workflow to
     * the server's build by an override after its last status change (its webhook then ran there).
     */
    public boolean versionsAgree() {
      return !builds.isEmpty()
          && (Stack.buildId(builds.get(builds.size() - 1)).equals(serverBuild) || overrideBuild.equals(serverBuild));
    }

    public boolean completedOnce() {
      return status == PaymentStatus.COMPLETED && charges == 1 && refunds == 0 && webhookVerified
          && failedWorkflowTasks == 0 && versionsAgree();
    }

    /** Failed before any charge: what a broken green must leave behind, if anything. */
    public boolean failedUncharged() {
      return status == PaymentStatus.FAILED && charges == 0 && failedWorkflowTasks == 0 && versionsAgree();
    }
  }

  /** The rollout's exit status and every payment made during it. */
  public record Report(int exitStatus, List<PaymentReport> payments) {
    public boolean ok() {
      return exitStatus == 0 && payments.size() >= 40 && payments.stream().allMatch(PaymentReport::completedOnce);
    }
  }

  private final Stack stack;
  private final PrintStream out;
  private final ApiClient api;
  private final PaymentDao payments;

  public VersionedRolloutRun(Stack stack, PrintStream out) {
    this.stack = stack;
    this.out = out;
    this.api = new ApiClient(stack::apiUrl);
    this.payments = stack.jdbi().onDemand(PaymentDao.class);
  }

  /**
   * Turns the stack to Worker Versioning (v1 current, PINNED), serves the control endpoints the
   * hooks call, and runs the rollout under load; {@code rolloutArgs} are added to the stack's
   * addresses (steps, pauses, thresholds). {@code greenFault} names a broken green, or "".
   */
  public Report run(Launcher launcher, List<String> rolloutArgs, String greenFault) throws Exception {
    GatewaySimulator gateway = Objects.requireNonNull(
        stack.gateway(), "the rollout holds charges in the gateway simulator: unset GATEWAY_URL");
    out.println("worker versioning: v1 (" + Stack.buildId("v1") + ") becomes the current version of " + DEPLOYMENT);
    stack.useWorkerVersioning(DEPLOYMENT, VersioningBehavior.PINNED);
    List<String> made = Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean loading = new AtomicBoolean(true);
    gateway.holdCharges();
    Thread load = new Thread(() -> load(gateway, made, loading), "rollout-load");
    int exit;
    try (ControlServer control = new ControlServer(stack, 0)) {
      control.start();
      String hook = "curl -fsS --max-time 120 -o /dev/null ";
      Map<String, String> env = new HashMap<>(System.getenv());
      env.put("DATABASE_USER", stack.databaseUser());
      env.put("ROLLOUT_DEPLOY_GREEN", hook + "-X POST '" + control.url() + "/workers?build=v2&versioned=true"
          + (greenFault.isEmpty() ? "" : "&fault=" + greenFault) + "'");
      env.put("ROLLOUT_STOP_BLUE", hook + "-X DELETE '" + control.url() + "/workers?build=v1&versioned=true'");
      env.put("ROLLOUT_STOP_GREEN", hook + "-X DELETE '" + control.url() + "/workers?build=v2&versioned=true'");
      load.start();
      // Blue serves a while first, as it would before any rollout: the gate then has blue's
      // histories to replay and a final payment to aim at.
      Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
      while (finished(made) < BLUE_FIRST && Instant.now().isBefore(deadline)) {
        Thread.sleep(200);
      }
      exit = launcher.launch(stack, control.url(), rolloutArgs, env, out);
    } finally {
      loading.set(false);
      load.join();
      gateway.releaseAll();
    }
    List<PaymentReport> reports = new ArrayList<>();
    Instant deadline = Instant.now().plus(FINISH_DEADLINE);
    for (String id : made) {
      // Final, and the merchant told: the webhook follows the last status change.
      while (!(payments.findById(id).orElseThrow().status().isFinal() && webhookVerified(id))
          && Instant.now().isBefore(deadline)) {
        Thread.sleep(200);
      }
      reports.add(report(id));
    }
    print(exit, reports);
    return new Report(exit, reports);
  }

  /**
   * One payment every {@link #EVERY}; every fourth one's charge is held. Green's are let go after
   * {@link #HOLD}; blue's are kept until {@link #HOLD} after green became current, so that blue
   * is stopped under them, or {@link #LONGEST_HOLD} at most (the charge's read timeout is 25 s).
   */
  private void load(GatewaySimulator gateway, List<String> made, AtomicBoolean loading) {
    Map<String, Instant> held = new LinkedHashMap<>();
    String key = stack.demoMerchant().apiKey();
    String green = Stack.buildId("v2");
    Instant promoted = null;
    try {
      for (int i = 0; loading.get(); i++) {
        String id = api.createPayment(key, "pm_card_visa", "versioned rollout");
        made.add(id);
        if (i % 4 == 0) {
          held.put(id, Instant.now());
        } else {
          gateway.release(List.of(id));
        }
        // The server limits requests per deployment: a look every few payments is enough.
        if (promoted == null && i % 8 == 0 && isCurrent(green)) {
          promoted = Instant.now();
        }
        List<String> due = new ArrayList<>();
        for (Map.Entry<String, Instant> entry : held.entrySet()) {
          boolean onBlue = "v1".equals(payments.findById(entry.getKey()).orElseThrow().workerBuild());
          Instant now = Instant.now();
          boolean letGo = onBlue
              ? (promoted != null && now.isAfter(promoted.plus(HOLD))) || now.isAfter(entry.getValue().plus(LONGEST_HOLD))
              : now.isAfter(entry.getValue().plus(HOLD));
          if (letGo) {
            due.add(entry.getKey());
          }
        }
        gateway.release(due);
        due.forEach(held::remove);
        Thread.sleep(EVERY.toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      out.println("the load stopped: " + e);
    }
  }

  private long finished(List<String> made) {
    List<String> ids;
    synchronized (made) {
      ids = List.copyOf(made);
    }
    return ids.stream().filter(id -> payments.findById(id).orElseThrow().status().isFinal()).count();
  }

  private boolean webhookVerified(String paymentId) {
    return stack.webhooks().deliveriesFor(paymentId).stream().anyMatch(d -> d.verified());
  }

  private boolean isCurrent(String buildId) {
    try {
      return buildId.equals(stack.workerDeployments().currentBuildId());
    } catch (RuntimeException e) {
      return false; // asked again a few payments later
    }
  }

  private PaymentReport report(String id) {
    Payment payment = payments.findById(id).orElseThrow();
    List<String> builds = payments.history(id).stream()
        .map(StatusHistoryEntry::workerBuild).filter(Objects::nonNull).toList();
    String workflowId = WorkflowIds.forPayment(id);
    var versioning = stack.workflowClient().getWorkflowServiceStubs().blockingStub()
        .describeWorkflowExecution(DescribeWorkflowExecutionRequest.newBuilder().setNamespace("default")
            .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId)).build())
        .getWorkflowExecutionInfo().getVersioningInfo();
    String serverBuild = versioning.getDeploymentVersion().getBuildId();
    String overrideBuild = versioning.getVersioningOverride().getPinned().getVersion().getBuildId();
    long failedTasks = stack.workflowClient().fetchHistory(workflowId).getEvents().stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED).count();
    return new PaymentReport(
        id, builds, serverBuild, overrideBuild, payment.status(), payment.failureCode(),
        stack.gateway().charges().stream().filter(c -> c.paymentId().equals(id)).count(),
        stack.gateway().refunds().stream().filter(r -> r.paymentId().equals(id)).count(),
        webhookVerified(id),
        failedTasks);
  }

  private void print(int exit, List<PaymentReport> reports) {
    String format = "%-30s %-12s %-11s %-16s %-7s %-7s %-7s %-12s %s%n";
    out.println();
    out.printf(format, "payment", "builds", "status", "failure", "charges", "refunds", "webhook", "server=db", "");
    for (PaymentReport r : reports) {
      out.printf(format, r.paymentId(), String.join(">", r.builds()), r.status().wireName(),
          r.failureCode() == null ? "-" : r.failureCode(), r.charges(), r.refunds(),
          r.webhookVerified() ? "verified" : "no",
          !r.versionsAgree() ? "NO" : r.overrideBuild().isEmpty() ? "yes" : "yes, moved",
          r.completedOnce() ? "ok" : "UNEXPECTED");
    }
    long viaGreen = reports.stream().filter(r -> r.builds().contains("v2")).count();
    long moved = reports.stream().filter(r -> r.builds().contains("v1") && r.builds().contains("v2")).count();
    out.printf("%nrollout exit %d; %d payments: %d completed once, %d moved by green, %d moved from blue to green%n",
        exit, reports.size(), reports.stream().filter(PaymentReport::completedOnce).count(), viaGreen, moved);
  }
}
