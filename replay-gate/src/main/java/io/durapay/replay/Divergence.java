package io.durapay.replay;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns a replay failure into one line: the first divergent event and why. */
final class Divergence {
  /** How the SDK (1.38) names the event in a NonDeterministicException. */
  private static final Pattern FAILED_EVENT = Pattern.compile(
      "(?:\\[TMPRL\\d+\\] )?Failure handling event (\\d+) of type '(\\w+)' during replay\\.\\s*");

  private Divergence() {}

  /**
   * {@code <eventId> <eventType>: <reason>} when the failure names the event, {@code unknown:
   * <reason>} otherwise. The replayer reports a failure as a RuntimeException whose message is
   * "query failure for …, error=" followed by the cause and its stack trace; only the cause's
   * message is kept, on one line.
   */
  static String describe(Throwable failure) {
    String message = String.valueOf(failure.getMessage());
    int error = message.indexOf("error=");
    String reason = error < 0 ? message : message.substring(error + "error=".length());
    reason = reason.split("\n\\s*at ", 2)[0]
        .replaceFirst("^io\\.temporal\\.worker\\.NonDeterministicException: ", "")
        .replaceAll("\\s*\\{WorkflowTaskStartedEventId=[^}]*}", "")
        .replaceAll("\\s+", " ")
        .replace("\" '", "\"'")
        .strip();
    Matcher event = FAILED_EVENT.matcher(reason);
    if (!event.find()) {
      return "unknown: " + reason;
    }
    return event.group(1) + " " + event.group(2) + ": " + event.replaceFirst("");
  }
}
