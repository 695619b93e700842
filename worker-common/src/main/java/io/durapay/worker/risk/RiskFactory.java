package io.durapay.worker.risk;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.Min;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/** Configuration of the risk rules; see {@link RiskRules}. */
public class RiskFactory {
  @Min(1)
  private Long maxAmount;

  private Map<String, Long> merchantLimits = new LinkedHashMap<>();

  private Set<String> blockedPaymentMethods = new LinkedHashSet<>();

  public RiskRules build() {
    return new RiskRules(maxAmount, merchantLimits, blockedPaymentMethods);
  }

  @JsonProperty
  public Long getMaxAmount() {
    return maxAmount;
  }

  @JsonProperty
  public void setMaxAmount(Long maxAmount) {
    this.maxAmount = maxAmount;
  }

  @JsonProperty
  public Map<String, Long> getMerchantLimits() {
    return merchantLimits;
  }

  @JsonProperty
  public void setMerchantLimits(Map<String, Long> merchantLimits) {
    this.merchantLimits = merchantLimits;
  }

  @JsonProperty
  public Set<String> getBlockedPaymentMethods() {
    return blockedPaymentMethods;
  }

  @JsonProperty
  public void setBlockedPaymentMethods(Set<String> blockedPaymentMethods) {
    this.blockedPaymentMethods = blockedPaymentMethods;
  }
}
