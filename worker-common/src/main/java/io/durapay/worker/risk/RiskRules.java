package io.durapay.worker.risk;

import io.durapay.contracts.RiskDecision;
import io.durapay.store.Payment;
import java.util.Map;
import java.util.Set;

/**
 * The rules a payment is screened against before it is charged (v2's {@code add-risk-screening}).
 * The first rule that matches rejects it.
 *
 * @param maxAmount no payment above this amount (minor units), whatever the merchant; null = none
 * @param merchantLimits per-merchant ceilings, by merchant id
 * @param blockedPaymentMethods tokens never to charge (known fraud, test tokens in production)
 */
public record RiskRules(Long maxAmount, Map<String, Long> merchantLimits, Set<String> blockedPaymentMethods) {
  public static final String MAX_AMOUNT = "max_amount";
  public static final String MERCHANT_LIMIT = "merchant_limit";
  public static final String BLOCKED_PAYMENT_METHOD = "blocked_payment_method";

  public RiskRules {
    merchantLimits = Map.copyOf(merchantLimits);
    blockedPaymentMethods = Set.copyOf(blockedPaymentMethods);
  }

  public RiskDecision screen(Payment payment) {
    if (blockedPaymentMethods.contains(payment.paymentMethod())) {
      return RiskDecision.reject(BLOCKED_PAYMENT_METHOD, "the payment method is blocked");
    }
    Long merchantLimit = merchantLimits.get(payment.merchantId());
    if (merchantLimit != null && payment.amount() > merchantLimit) {
      return RiskDecision.reject(
          MERCHANT_LIMIT, "amount " + payment.amount() + " is over the merchant's screening limit of " + merchantLimit);
    }
    if (maxAmount != null && payment.amount() > maxAmount) {
      return RiskDecision.reject(
          MAX_AMOUNT, "amount " + payment.amount() + " is over the screening limit of " + maxAmount);
    }
    return RiskDecision.approve();
  }
}
