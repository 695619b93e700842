package io.durapay.devstack;

import io.durapay.devstack.gateway.GatewaySimulator;
import java.time.Duration;

/**
 * How long the workers wait for the gateway, and how late the simulator's late answers come. The
 * order is what the fault cases need: read timeout &lt;= call timeout &lt; late answer.
 *
 * @param readTimeout the workers' read timeout ({@code GATEWAY_READ_TIMEOUT})
 * @param callTimeout the workers' whole-call timeout ({@code GATEWAY_CALL_TIMEOUT})
 * @param lateAnswer how late {@code pm_card_timeout}'s first answer comes
 */
public record GatewayTiming(Duration readTimeout, Duration callTimeout, Duration lateAnswer) {

  /**
   * The stack's own: a charge the simulator holds still answers within one attempt (the charge's
   * start-to-close is 30 s), so holding payments in flight does not turn into client timeouts;
   * and a late answer comes after that start-to-close.
   */
  public static final GatewayTiming DEFAULT =
      new GatewayTiming(Duration.ofSeconds(25), Duration.ofSeconds(28), GatewaySimulator.DEFAULT_LATE_DELAY);

  public GatewayTiming {
    if (readTimeout.compareTo(callTimeout) > 0 || callTimeout.compareTo(lateAnswer) >= 0) {
      throw new IllegalArgumentException(
          "need read timeout <= call timeout < late answer, not " + readTimeout + ", " + callTimeout + ", " + lateAnswer);
    }
  }

  /** As the services' configuration reads a duration ({@code 25s}, {@code 500ms}). */
  static String configValue(Duration duration) {
    return duration.toMillis() + "ms";
  }
}
