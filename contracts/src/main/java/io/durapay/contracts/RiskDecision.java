package io.durapay.contracts;

/**
 * The outcome of screening a payment before it is charged (v2).
 *
 * @param approved whether the payment may be charged
 * @param rule the rule that rejected it ({@code merchant_limit}, {@code blocked_payment_method},
 *     …), null when approved
 * @param reason a human-readable explanation, null when approved
 */
public record RiskDecision(boolean approved, String rule, String reason) {
  public static RiskDecision approve() {
    return new RiskDecision(true, null, null);
  }

  public static RiskDecision reject(String rule, String reason) {
    return new RiskDecision(false, rule, reason);
  }
}
