package io.durapay.rollout;

import io.durapay.replay.CommandFlags;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code ci/rollout --strategy versioning} was asked to do, with the defaults the usage
 * states. Hooks and credentials come from the environment, never the command line.
 *
 * <p>Over 200 lines because the usage text is some 35 lines and each of its eighteen flags gets its
 * default and its check here; usage, flag list and checks stay in one record so that a flag's
 * documented default and the default it is parsed with sit side by side.
 *
 * @param greenBuildId green's build id; null: the one new version the deploy hook brings up
 * @param greenCode which workflow implementation green carries, for the replay gate (v1, v2)
 * @param steps the ramp's percentages, ending at 100
 * @param stepPause how long each step is watched at least before its verdict
 * @param stepTimeout how long a step may wait for enough payments before it counts as failed
 * @param baseline how far back blue's payments count when a step's window has too few of them
 * @param since how far back the replay gate looks for blue's closed workflows
 * @param drainTimeout how long blue (after promotion) or green (after a rollback) may take to drain
 */
record RolloutSettings(
    String temporal,
    String namespace,
    String databaseUrl,
    String databaseUser,
    String databasePassword,
    String deployment,
    String greenBuildId,
    String greenCode,
    List<Integer> steps,
    Duration stepPause,
    Duration stepTimeout,
    Duration baseline,
    Duration since,
    Duration drainTimeout,
    HealthThresholds thresholds,
    Hooks hooks) {

  static final String USAGE =
      """
      usage: ci/rollout --strategy versioning --temporal HOST:PORT --database-url JDBC_URL [options]
             ci/rollout --strategy versioning --devstack CONTROL_URL [options]

      Rolls a new worker build (green) in as a version of the Worker Deployment, step by step,
      checking green against the current version (blue) at every step and rolling back by itself.

        --namespace NS                   default: default
        --deployment NAME                the Worker Deployment (default: durapay-payments)
        --green-build-id ID              green's build id (default: the one new version that
                                         appears after ROLLOUT_DEPLOY_GREEN)
        --green-code v2                  the workflow code green carries, for the replay gate
        --steps 10,50,100                ramp percentages, ending at 100
        --step-pause 30s                 each step is watched at least this long
        --step-timeout 10m               a step without enough payments by then fails
        --min-payments 20                green payments that must finish in a step before a verdict
        --baseline 10m                   blue's window when a step has too few blue payments
        --max-task-failures 0            workflow-task failures allowed on green in a step
        --max-failed-increase 0.05       green's share of failed payments minus blue's
        --max-webhook-failure-increase 0.05
                                         green's share of undelivered webhooks minus blue's
        --max-latency-factor 2           green's p95 schedule-to-start may be this many times
        --latency-slack 500ms              blue's, or blue's plus the slack, whichever is more
        --since 24h                      the replay gate's window for blue's closed workflows
        --drain-timeout 10m              for blue to drain after promotion (then its last
                                         workflows are moved to green) and green after a rollback

      Durations: a number and ms, s, m, h or d. Hooks (shell commands, each must exit 0):
        ROLLOUT_DEPLOY_GREEN   start green's workers as an inactive version of the deployment
        ROLLOUT_STOP_BLUE      stop blue's workers (run once blue has drained)
        ROLLOUT_STOP_GREEN     optional: stop green's workers after a rollback, once it drained
      DATABASE_USER and DATABASE_PASSWORD; TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY, or
      TEMPORAL_API_KEY, are read from the environment.
      Exit status: 0 rolled out; 1 rolled back or stopped (the step is named); 2 usage, or the
      server or database unreachable before anything changed.
      """;

  private static final List<String> FLAGS = List.of(
      "--temporal", "--namespace", "--database-url", "--deployment", "--green-build-id", "--green-code",
      "--steps", "--step-pause", "--step-timeout", "--min-payments", "--baseline", "--max-task-failures",
      "--max-failed-increase", "--max-webhook-failure-increase", "--max-latency-factor", "--latency-slack",
      "--since", "--drain-timeout");
  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");

  /** Bad arguments: the message says which. */
  static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  static RolloutSettings parse(String[] args, Map<String, String> env) throws UsageException {
    Map<String, String> flags;
    try {
      flags = CommandFlags.read(args, FLAGS, List.of());
    } catch (CommandFlags.BadFlagsException e) {
      throw new UsageException(e.getMessage());
    }
    for (String required : List.of("--temporal", "--database-url")) {
      if (!flags.containsKey(required)) {
        throw new UsageException(required + " is required");
      }
    }
    Hooks hooks = Hooks.fromEnvironment(env);
    HealthThresholds thresholds = new HealthThresholds(
        count(flags, "--min-payments", "20", 1),
        count(flags, "--max-task-failures", "0", 0),
        share(flags, "--max-failed-increase", "0.05"),
        share(flags, "--max-webhook-failure-increase", "0.05"),
        factor(flags.getOrDefault("--max-latency-factor", "2")),
        duration(flags, "--latency-slack", "500ms"));
    String greenCode = flags.getOrDefault("--green-code", "v2");
    if (!List.of("v1", "v2").contains(greenCode)) {
      throw new UsageException("--green-code is v1 or v2 (the workflow code of a durapay build)");
    }
    return new RolloutSettings(
        flags.get("--temporal"),
        flags.getOrDefault("--namespace", "default"),
        flags.get("--database-url"),
        env.get("DATABASE_USER"),
        env.get("DATABASE_PASSWORD"),
        flags.getOrDefault("--deployment", "durapay-payments"),
        flags.get("--green-build-id"),
        greenCode,
        steps(flags.getOrDefault("--steps", "10,50,100")),
        duration(flags, "--step-pause", "30s"),
        duration(flags, "--step-timeout", "10m"),
        duration(flags, "--baseline", "10m"),
        duration(flags, "--since", "24h"),
        duration(flags, "--drain-timeout", "10m"),
        thresholds,
        hooks);
  }

  /** Rising percentages from 1 to 100, the last one 100: the ramp ends with all of new traffic. */
  static List<Integer> steps(String value) throws UsageException {
    List<Integer> steps = new ArrayList<>();
    for (String part : value.split(",", -1)) {
      int percent;
      try {
        percent = Integer.parseInt(part.trim());
      } catch (NumberFormatException e) {
        throw new UsageException("--steps is a list of percentages such as 10,50,100, not " + value);
      }
      if (percent < 1 || percent > 100 || (!steps.isEmpty() && percent <= steps.get(steps.size() - 1))) {
        throw new UsageException("--steps must rise from 1 to 100: " + value);
      }
      steps.add(percent);
    }
    if (steps.get(steps.size() - 1) != 100) {
      throw new UsageException("--steps must end at 100 (green takes all new payments before promotion): " + value);
    }
    return List.copyOf(steps);
  }

  static Duration duration(String value) throws UsageException {
    Matcher m = DURATION.matcher(value);
    if (!m.matches()) {
      throw new UsageException("a duration is a number and ms, s, m, h or d (30s, 10m), not " + value);
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }

  private static Duration duration(Map<String, String> flags, String flag, String fallback) throws UsageException {
    try {
      return duration(flags.getOrDefault(flag, fallback));
    } catch (UsageException e) {
      throw new UsageException(flag + ": " + e.getMessage());
    }
  }

  private static int count(Map<String, String> flags, String flag, String fallback, int min) throws UsageException {
    String value = flags.getOrDefault(flag, fallback);
    try {
      int n = Integer.parseInt(value);
      if (n >= min) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new UsageException(flag + " is a whole number of at least " + min + ", not " + value);
  }

  private static double share(Map<String, String> flags, String flag, String fallback) throws UsageException {
    String value = flags.getOrDefault(flag, fallback);
    try {
      double share = Double.parseDouble(value);
      if (share >= 0 && share <= 1) {
        return share;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new UsageException(flag + " is a share between 0 and 1 (0.05 is five points), not " + value);
  }

  private static double factor(String value) throws UsageException {
    try {
      double factor = Double.parseDouble(value);
      if (factor >= 1) {
        return factor;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new UsageException("--max-latency-factor is a number of at least 1, not " + value);
  }
}
