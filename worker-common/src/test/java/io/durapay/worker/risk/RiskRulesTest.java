package io.durapay.worker.risk;

import static org.assertj.core.api.Assertions.assertThat;

import io.durapay.contracts.PaymentStatus;
import io.durapay.contracts.RiskDecision;
import io.durapay.store.Payment;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RiskRulesTest {
  private final RiskRules rules =
      new RiskRules(100_000L, Map.of("mer_small", 5_000L), Set.of("pm_card_riskHigh"));

  private static Payment payment(String merchant, long amount, String token) {
    return new Payment("pay_1", merchant, amount, "EUR", token, null, "{}", PaymentStatus.INITIATED,
        null, null, null, "corr", null, null);
  }

  @Test
  void approvesWhatNoRuleMatches() {
    assertThat(rules.screen(payment("mer_any", 99_999, "pm_card_visa"))).isEqualTo(RiskDecision.approve());
    assertThat(rules.screen(payment("mer_small", 5_000, "pm_card_visa")).approved()).isTrue();
  }

  @Test
  void rejectsABlockedTokenAMerchantsCeilingAndTheGlobalCeiling() {
    assertThat(rules.screen(payment("mer_any", 10, "pm_card_riskHigh")).rule())
        .isEqualTo(RiskRules.BLOCKED_PAYMENT_METHOD);
    assertThat(rules.screen(payment("mer_small", 5_001, "pm_card_visa")).rule())
        .isEqualTo(RiskRules.MERCHANT_LIMIT);
    RiskDecision overGlobal = rules.screen(payment("mer_any", 100_001, "pm_card_visa"));
    assertThat(overGlobal.approved()).isFalse();
    assertThat(overGlobal.rule()).isEqualTo(RiskRules.MAX_AMOUNT);
    assertThat(overGlobal.reason()).contains("100001");
  }

  @Test
  void noRulesApproveEverything() {
    RiskRules none = new RiskFactory().build();
    assertThat(none.screen(payment("mer_any", Long.MAX_VALUE / 2, "pm_card_riskHigh")).approved()).isTrue();
  }
}
