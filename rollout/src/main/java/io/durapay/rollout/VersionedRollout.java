package io.durapay.rollout;

import io.durapay.contracts.TemporalConnection;
import io.durapay.replay.ReplayGate;
import io.durapay.rollout.Health.Kind;
import io.durapay.rollout.Health.Sample;
import io.durapay.rollout.Health.Verdict;
import io.durapay.rollout.RolloutSettings.UsageException;
import io.durapay.store.Store;
import io.temporal.api.enums.v1.TaskQueueType;
import io.temporal.api.enums.v1.WorkerDeploymentVersionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.common.WorkerDeploymentVersion;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * {@code ci/rollout --strategy versioning}: green (a new worker build) becomes the current version
 * of the Worker Deployment in steps, each checked against blue (the current version) from the
 * system's own records, with an automatic rollback at the first step that fails. Every step prints
 * what it saw. See {@link RolloutSettings#USAGE} and docs/ROLLOUT.md.
 *
 * <p>What a rollback guarantees: no workflow is ever sent to code that cannot replay its history.
 * Before routing moves back to blue, every workflow running on green is pinned to green (an
 * AUTO_UPGRADE one would otherwise be moved to blue at its next task, and blue cannot replay what
 * green recorded); PINNED ones stay on green anyway. Green keeps running until they finish.
 *
 * <p>Long because it runs all five steps of the rollout in order (deploy green, gate, ramp,
 * rollback or promote, drain) and each prints what it saw; they stay in one class because every
 * step reads or sets the same blue, green, task queue, ramp start and step name that a stop's
 * message reports.
 */
public final class VersionedRollout {
  static final int ROLLED_OUT = 0;
  static final int STOPPED = 1;
  static final int USAGE = 2;

  private static final Duration POLL = Duration.ofSeconds(1);
  private static final Duration DEPLOY_TIMEOUT = Duration.ofMinutes(2);
  private static final Duration GATE_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration REPORT_EVERY = Duration.ofSeconds(5);
  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

  private final RolloutSettings settings;
  private final PrintStream out;
  private final WorkflowClient client;
  private final WorkerDeployments deployments;
  private final Jdbi jdbi;
  private final HealthProbe probe;
  private String blue;
  private String green;
  private String taskQueue;
  private Instant rampStart;
  /** The step under way, for a stop's message. */
  private String step = "start";

  private VersionedRollout(RolloutSettings settings, PrintStream out, WorkflowClient client, Jdbi jdbi) {
    this.settings = settings;
    this.out = out;
    this.client = client;
    this.deployments = new WorkerDeployments(client.getWorkflowServiceStubs(), settings.namespace(), settings.deployment());
    this.jdbi = jdbi;
    this.probe = new HealthProbe(client, deployments, jdbi);
  }

  public static void main(String[] args) {
    System.exit(run(args, System.getenv(), System.out));
  }

  /** Runs the rollout and returns its exit status (0, 1 or 2, as the usage says); never exits. */
  public static int run(String[] args, Map<String, String> env, PrintStream out) {
    RolloutSettings settings;
    try {
      settings = RolloutSettings.parse(args, env);
    } catch (UsageException e) {
      out.println("ci/rollout: " + e.getMessage());
      out.print(RolloutSettings.USAGE);
      return USAGE;
    }
    TemporalConnection connection = new TemporalConnection();
    connection.setTarget(settings.temporal());
    connection.setNamespace(settings.namespace());
    connection.setTlsCertPath(env.get("TEMPORAL_TLS_CERT"));
    connection.setTlsKeyPath(env.get("TEMPORAL_TLS_KEY"));
    connection.setApiKey(env.get("TEMPORAL_API_KEY"));
    WorkflowServiceStubs stubs = connection.connect(null);
    try {
      PGSimpleDataSource dataSource = new PGSimpleDataSource();
      dataSource.setUrl(settings.databaseUrl());
      dataSource.setUser(settings.databaseUser());
      dataSource.setPassword(settings.databasePassword());
      Jdbi jdbi = Store.jdbi(dataSource);
      return new VersionedRollout(settings, out, connection.client(stubs), jdbi).run();
    } finally {
      stubs.shutdownNow();
    }
  }

  private int run() {
    Set<String> known;
    try {
      jdbi.withHandle(h -> h.createQuery("SELECT 1").mapTo(Integer.class).one());
    } catch (Exception e) {
      say("cannot query the payments database: " + e.getMessage());
      return USAGE;
    }
    try {
      blue = deployments.currentBuildId();
      known = deployments.buildIds();
    } catch (Exception e) {
      say("cannot read the Worker Deployment " + settings.deployment() + " at " + settings.temporal() + ": " + e.getMessage()
          + " (blue's workers must run with WORKER_VERSIONING=true and their version be current)");
      return USAGE;
    }
    if (blue.isEmpty()) {
      say("the Worker Deployment " + settings.deployment() + " has no current version: make blue current first");
      return USAGE;
    }
    say("blue is " + blue + ", the current version of " + settings.deployment());
    try {
      return deployGreen(known) && gate() && ramp() ? promote() : STOPPED;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      say("STOPPED at " + step + ": interrupted; routing stays as it is now");
      return STOPPED;
    } catch (Exception e) {
      say("STOPPED at " + step + ": " + e + "; routing stays as it is now");
      return STOPPED;
    }
  }

  /** 1: green's workers come up as an inactive version: nothing is routed to them yet. */
  private boolean deployGreen(Set<String> known) throws Exception {
    step = "1/5 deploy green";
    say("1/5 deploy green: hook " + Hooks.DEPLOY_GREEN);
    if (!Hooks.run(settings.hooks().deployGreen())) {
      return stopped("hook " + Hooks.DEPLOY_GREEN + " failed; nothing routed to green");
    }
    Instant deadline = Instant.now().plus(DEPLOY_TIMEOUT);
    while (green == null || taskQueue == null) {
      if (settings.greenBuildId() != null) {
        green = settings.greenBuildId();
      } else {
        Set<String> fresh = new HashSet<>(deployments.buildIds());
        fresh.removeAll(known);
        if (fresh.size() > 1) {
          return stopped("more than one new version appeared " + fresh + ": say which with --green-build-id");
        }
        green = fresh.isEmpty() ? null : fresh.iterator().next();
      }
      if (green != null) {
        taskQueue = workflowQueue(green);
      }
      if ((green == null || taskQueue == null) && Instant.now().isAfter(deadline)) {
        return stopped("no green version polled " + settings.deployment() + " within " + DEPLOY_TIMEOUT.toSeconds() + " s");
      }
      Thread.sleep(POLL.toMillis());
    }
    if (green.equals(blue)) {
      return stopped("green " + green + " is blue's build: nothing to roll out");
    }
    var status = deployments.describe(green).getStatus();
    if (status != WorkerDeploymentVersionStatus.WORKER_DEPLOYMENT_VERSION_STATUS_INACTIVE) {
      return stopped("green " + green + " is " + status + ", not an inactive version: another rollout may be under way");
    }
    say("green is " + green + ": an inactive version polling " + taskQueue + ", nothing routed to it");
    return true;
  }

  private String workflowQueue(String buildId) {
    try {
      return deployments.describe(buildId).getTaskQueueInfosList().stream()
          .filter(q -> q.getType() == TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW)
          .map(q -> q.getName()).findFirst().orElse(null);
    } catch (io.grpc.StatusRuntimeException e) {
      return null; // not known yet: its workers have not polled
    }
  }

  /** 2: blue's histories replay on green's code; then one pinned workflow runs on green. */
  private boolean gate() {
    step = "2/5 gate";
    String since = Instant.now().minus(settings.since()).truncatedTo(ChronoUnit.SECONDS).toString();
    String query = "WorkflowType='PaymentWorkflow' AND TemporalWorkerDeploymentVersion='" + deployments.versionName(blue)
        + "' AND (ExecutionStatus='Running' OR CloseTime > '" + since + "')";
    say("2/5 gate: replay blue's workflows (running, or closed in the last " + seconds(settings.since())
        + ") on green's code (" + settings.greenCode() + ")");
    int gate = replay("--query", query);
    if (gate == 2) {
      say("no blue workflow to replay");
    } else if (gate != 0) {
      return stopped("the replay gate refused green; nothing routed to it: stop green's workers");
    }
    say("2/5 gate: one workflow pinned to green, aimed at a final payment (charges nothing)");
    var result = new GateRun(client, jdbi).run(
        new WorkerDeploymentVersion(settings.deployment(), green), taskQueue, GATE_TIMEOUT);
    if (result.isEmpty()) {
      say("no final payment yet to aim the gate workflow at: skipped (the ramp's first step is the first check)");
      return true;
    }
    if (!result.get().passed()) {
      return stopped("gate workflow " + result.get().workflowId() + " failed: " + result.get().detail()
          + "; nothing routed to green: stop green's workers");
    }
    say("gate workflow " + result.get().workflowId() + " " + result.get().detail());
    return true;
  }

  /** Runs the replay gate in this process; its result lines go to our output. */
  private int replay(String... source) {
    List<String> args = new ArrayList<>(List.of(
        "--build", settings.greenCode(), "--temporal", settings.temporal(), "--namespace", settings.namespace(),
        "--record-to", settings.databaseUrl()));
    if (settings.databaseUser() != null) {
      args.addAll(List.of("--database-user", settings.databaseUser()));
    }
    if (settings.databasePassword() != null) {
      args.addAll(List.of("--database-password", settings.databasePassword()));
    }
    args.addAll(List.of(source));
    ByteArrayOutputStream errors = new ByteArrayOutputStream();
    int status = ReplayGate.run(args.toArray(String[]::new), out,
        new PrintStream(errors, true, StandardCharsets.UTF_8));
    String said = errors.toString(StandardCharsets.UTF_8).strip();
    if (status == 2 && said.contains("nothing to replay")) {
      return 2;
    }
    if (status != 0) {
      out.println(said);
      return 1;
    }
    return 0;
  }

  /** 3: each step routes a share of new payments to green and judges green against blue. */
  private boolean ramp() throws Exception {
    rampStart = Instant.now();
    for (int percent : settings.steps()) {
      step = "3/5 ramp " + percent + "%";
      deployments.setRamping(green, percent);
      Instant stepStart = Instant.now();
      say(step + ": " + percent + "% of new payments go to green; watched at least " + seconds(settings.stepPause())
          + ", verdict once green has finished " + settings.thresholds().minPayments());
      Verdict verdict;
      try {
        verdict = watch(stepStart);
      } catch (RuntimeException e) {
        // Green cannot be judged, so it is not proven: back to blue.
        verdict = new Verdict(Kind.FAIL, List.of("the health check could not read the system: " + e));
      }
      if (verdict.kind() != Kind.PASS) {
        rollBack(verdict);
        return false;
      }
    }
    return true;
  }

  private Verdict watch(Instant stepStart) throws InterruptedException {
    Instant verdictFrom = stepStart.plus(settings.stepPause());
    Instant deadline = stepStart.plus(settings.stepTimeout());
    Instant nextReport = Instant.now();
    while (true) {
      Sample greenSample = probe.sample(green, stepStart);
      Sample blueSample = probe.sample(blue, stepStart);
      String blueWindow = "this step";
      if (blueSample.finished() < settings.thresholds().minPayments()) {
        // Blue takes little or nothing at the high steps: compare with blue before and during the ramp.
        blueSample = probe.sample(blue, rampStart.minus(settings.baseline()));
        blueWindow = "since " + clock(rampStart.minus(settings.baseline()));
      }
      Verdict verdict = Health.judge(greenSample, blueSample, settings.thresholds());
      boolean decided = verdict.kind() == Kind.FAIL
          || (verdict.kind() == Kind.PASS && !Instant.now().isBefore(verdictFrom));
      if (decided || !Instant.now().isBefore(nextReport)) {
        say(step + ": green " + greenSample.describe());
        say(step + ": blue (" + blueWindow + ") " + blueSample.describe());
        say(step + ": " + (decided ? verdict.describe() : "watching (" + verdict.describe() + ")"));
        nextReport = Instant.now().plus(REPORT_EVERY);
      }
      if (decided) {
        return verdict;
      }
      if (Instant.now().isAfter(deadline)) {
        return new Verdict(Kind.FAIL, List.of("no verdict within " + seconds(settings.stepTimeout()) + ": "
            + String.join("; ", verdict.reasons())));
      }
      Thread.sleep(POLL.toMillis());
    }
  }

  /**
   * 4 (on a failed check): routing goes back to blue without sending any workflow to code that
   * cannot replay it. Green's running workflows are pinned to green before the ramp stops, and
   * once more after it (to catch any green started in between); then green drains.
   */
  private void rollBack(Verdict verdict) throws Exception {
    say("ROLLBACK at " + step + ": " + verdict.describe());
    Set<String> pinned = new HashSet<>(deployments.pinRunningOn(green));
    if (deployments.currentBuildId().equals(green)) {
      deployments.setCurrent(blue);
    } else {
      deployments.stopRamping();
    }
    pinned.addAll(deployments.pinRunningOn(green));
    say("rollback: new payments go to blue " + blue + "; " + pinned.size()
        + " workflows running on green are pinned to it and finish there");
    int running = waitForDrain(green, "green");
    if (running == 0 && !settings.hooks().stopGreen().isBlank()) {
      say("rollback: hook " + Hooks.STOP_GREEN);
      if (!Hooks.run(settings.hooks().stopGreen())) {
        say("hook " + Hooks.STOP_GREEN + " failed: green's workers still run, with nothing to do");
      }
    } else if (running > 0) {
      say("rollback: " + running + " workflows still run on green: keep its workers until "
          + "`temporal workflow count --query \"TemporalWorkerDeploymentVersion='" + deployments.versionName(green)
          + "' AND ExecutionStatus='Running'\"` says 0");
    }
    // The check that no workflow went back to code that cannot replay it: no workflow started
    // since the ramp began failed a task, on green or on blue (where one sent back would be).
    int failedTasks = probe.sample(green, rampStart).taskFailures() + probe.sample(blue, rampStart).taskFailures();
    if (failedTasks > 0) {
      say("rollback: WARNING " + failedTasks + " workflow tasks failed since the ramp began: `temporal workflow list"
          + " --query \"TemporalUsedWorkerDeploymentVersions='" + deployments.versionName(green) + "'\"` lists green's");
    } else {
      say("rollback: no workflow task failed since the ramp began, on green or on blue");
    }
    say("STOPPED at " + step + ": rolled back to blue " + blue);
  }

  /** 4 and 5: green becomes current; blue drains, its last workflows move to green, blue stops. */
  private int promote() throws Exception {
    step = "4/5 promote";
    say("4/5 promote: green " + green + " becomes the current version");
    deployments.setCurrent(green);
    step = "5/5 drain blue";
    say("5/5 drain blue (up to " + seconds(settings.drainTimeout()) + "): visibility's count and the server's drainage status");
    int running = waitForDrain(blue, "blue");
    if (running > 0) {
      List<String> left = deployments.runningOn(blue);
      say("5/5 " + left.size() + " workflows still run on blue: replayed on green's code before they move");
      if (!left.isEmpty() && replay("--ids", String.join(",", left)) == 1) {
        say("STOPPED at 5/5: green cannot replay blue's last workflows; green is current, blue keeps running for them");
        return STOPPED;
      }
      List<String> moved = deployments.pinAll(left, green);
      say("5/5 moved " + moved.size() + " workflows from blue to green (pinned to green)"
          + (moved.size() < left.size() ? "; " + (left.size() - moved.size()) + " finished on blue first" : ""));
    }
    say("5/5 hook " + Hooks.STOP_BLUE);
    if (!Hooks.run(settings.hooks().stopBlue())) {
      say("STOPPED at 5/5: hook " + Hooks.STOP_BLUE + " failed; green is current, blue's workers still run");
      return STOPPED;
    }
    var drainage = deployments.describe(blue).getDrainageInfo().getStatus();
    say("rolled out: green " + green + " is current; blue " + blue + " is stopped (drainage " + drainage.name()
        .replace("VERSION_DRAINAGE_STATUS_", "") + ")");
    say("delete blue's version once its drainage status is DRAINED: temporal worker deployment delete-version"
        + " --deployment-name " + settings.deployment() + " --build-id " + blue);
    return ROLLED_OUT;
  }

  /** Waits until nothing runs on the version, or the drain timeout; returns what still runs. */
  private int waitForDrain(String buildId, String name) throws InterruptedException {
    Instant deadline = Instant.now().plus(settings.drainTimeout());
    Instant nextReport = Instant.now();
    while (true) {
      int running = deployments.runningOn(buildId).size();
      boolean done = running == 0 || Instant.now().isAfter(deadline);
      if (done || !Instant.now().isBefore(nextReport)) {
        String drainage = deployments.describe(buildId).getDrainageInfo().getStatus().name()
            .replace("VERSION_DRAINAGE_STATUS_", "");
        say("running on " + name + ": " + running + " (drainage " + drainage + ")");
        nextReport = Instant.now().plus(REPORT_EVERY);
      }
      if (done) {
        return running;
      }
      Thread.sleep(POLL.toMillis());
    }
  }

  private boolean stopped(String why) {
    say("STOPPED: " + why);
    return false;
  }

  private void say(String line) {
    out.println(clock(Instant.now()) + "  " + line);
    out.flush();
  }

  private static String clock(Instant at) {
    return LocalTime.ofInstant(at, ZoneOffset.UTC).format(CLOCK);
  }

  private static String seconds(Duration duration) {
    return duration.toSeconds() + " s";
  }
}
