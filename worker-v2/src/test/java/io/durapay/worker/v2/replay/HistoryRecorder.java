package io.durapay.worker.v2.replay;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.durapay.contracts.PaymentSearchAttributes;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Records the histories the replay tests read: runs a build's workflow through every {@link
 * Scenarios scenario} on Temporal's in-process, time-skipping test environment with scripted
 * activities, and writes each history as {@code <dir>/<build>/<scenario>.json}. Each scenario gets
 * a fresh environment, so no run can disturb another. Existing files of other names are left
 * alone.
 *
 * <p>Usage: {@code HistoryRecorder <v1|v2|all> <dir>}; run it through Maven as worker-v2's README
 * says, never from the tests (they only read what was committed).
 */
public final class HistoryRecorder {
  /** Written into every event as the client's and worker's identity, instead of pid@host. */
  static final String IDENTITY = "durapay-history-recorder";

  private HistoryRecorder() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: HistoryRecorder <v1|v2|all> <output dir>");
      System.exit(2);
    }
    List<Build> builds =
        "all".equals(args[0]) ? List.of(Build.values()) : List.of(Build.of(args[0]));
    Path dir = Path.of(args[1]);
    // The scripted failures are expected: their stack traces would only bury the file list.
    ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).setLevel(Level.ERROR);
    ((Logger) LoggerFactory.getLogger("io.temporal")).setLevel(Level.ERROR);
    ((Logger) LoggerFactory.getLogger("io.durapay")).setLevel(Level.OFF);
    for (Build build : builds) {
      for (Scenario scenario : Scenarios.forBuild(build)) {
        Path file = record(build, scenario, dir);
        System.out.println("recorded " + dir.relativize(file));
      }
    }
  }

  static Path record(Build build, Scenario scenario, Path dir) throws Exception {
    WorkflowExecutionHistory history;
    TestEnvironmentOptions options =
        TestEnvironmentOptions.newBuilder()
            .setWorkflowClientOptions(
                WorkflowClientOptions.newBuilder().setIdentity(IDENTITY).build())
            .build();
    try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance(options)) {
      for (var key : PaymentSearchAttributes.ALL) {
        env.registerSearchAttribute(key.getName(), key.getValueType());
      }
      Worker worker = env.newWorker(build.taskQueue);
      worker.registerWorkflowImplementationTypes(build.workflowClass);
      ScenarioRun run = new ScenarioRun(env.getWorkflowClient(), build.taskQueue, scenario.name());
      worker.registerActivitiesImplementations(run.workerActivities());
      env.start();
      history = scenario.script().record(run);
    } catch (Exception | AssertionError e) {
      throw new IllegalStateException(
          "scenario " + scenario.name() + " on " + build.id + " failed: " + e.getMessage(), e);
    }
    return write(history, dir.resolve(build.id).resolve(scenario.name() + ".json"));
  }

  private static Path write(WorkflowExecutionHistory history, Path file) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, history.toJson(true) + "\n");
    return file;
  }
}
