package io.durapay.rollout;

import java.io.IOException;
import java.util.Map;

/**
 * The platform's moves, as shell commands read from the environment. They are run by name and
 * never printed: a command line may carry a token.
 */
record Hooks(String deployGreen, String stopBlue, String stopGreen) {
  static final String DEPLOY_GREEN = "ROLLOUT_DEPLOY_GREEN";
  static final String STOP_BLUE = "ROLLOUT_STOP_BLUE";
  static final String STOP_GREEN = "ROLLOUT_STOP_GREEN";

  static Hooks fromEnvironment(Map<String, String> env) throws RolloutSettings.UsageException {
    for (String required : new String[] {DEPLOY_GREEN, STOP_BLUE}) {
      if (env.getOrDefault(required, "").isBlank()) {
        throw new RolloutSettings.UsageException("set " + required + " (or use --devstack)");
      }
    }
    return new Hooks(env.get(DEPLOY_GREEN), env.get(STOP_BLUE), env.getOrDefault(STOP_GREEN, ""));
  }

  /** Runs one hook with bash, its output passed through; false when it did not exit 0. */
  static boolean run(String command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder("bash", "-c", command).inheritIO().start();
    return process.waitFor() == 0;
  }
}
