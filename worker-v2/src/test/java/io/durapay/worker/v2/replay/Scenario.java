package io.durapay.worker.v2.replay;

import io.temporal.common.WorkflowExecutionHistory;
import java.util.Set;

/**
 * One path through the payment workflow, recorded as {@code <build>/<name>.json} for each build it
 * applies to.
 *
 * @param name the history's file name and payment id (workflow id {@code payment-<name>})
 * @param builds the builds that can take this path
 * @param script drives the workflow down the path and returns the history to keep: the closed
 *     workflow's, or for an in-flight scenario the history as it stood at the waiting point
 */
record Scenario(String name, Set<Build> builds, Script script) {

  /** Drives one run; throws when the workflow did not take the path the scenario names. */
  @FunctionalInterface
  interface Script {
    WorkflowExecutionHistory record(ScenarioRun run) throws Exception;
  }
}
