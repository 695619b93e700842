package io.durapay.api.merchants;

import io.durapay.api.admin.AdminTask;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /tasks/create-merchant?name=…[&webhookUrl=…][&maxAmount=…]} on the admin port:
 * onboards a merchant and prints its id, API key and webhook secret, the only time they are shown.
 */
public final class CreateMerchantTask extends AdminTask {
  private final MerchantOnboarding onboarding;

  public CreateMerchantTask(MerchantOnboarding onboarding) {
    super("create-merchant");
    this.onboarding = onboarding;
  }

  @Override
  protected void run(Map<String, List<String>> parameters, PrintWriter output) {
    NewMerchantCredentials credentials =
        onboarding.create(
            required(parameters, "name"),
            optional(parameters, "webhookUrl").orElse(null),
            optional(parameters, "maxAmount").map(CreateMerchantTask::amount).orElse(null));
    output.println("merchantId: " + credentials.merchantId());
    output.println("apiKey: " + credentials.apiKey());
    output.println("webhookSecret: " + credentials.webhookSecret());
    output.println(NewMerchantCredentials.SHOWN_ONCE);
  }

  private static Long amount(String value) {
    try {
      return Long.valueOf(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("maxAmount must be a whole number of minor units", e);
    }
  }
}
