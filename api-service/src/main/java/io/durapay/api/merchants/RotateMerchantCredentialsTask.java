package io.durapay.api.merchants;

import io.durapay.api.admin.AdminTask;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /tasks/rotate-merchant-credentials?merchantId=…&what=apiKey|webhookSecret} on the
 * admin port: replaces one credential, at once, and prints the new one, the only time it is shown.
 */
public final class RotateMerchantCredentialsTask extends AdminTask {
  private final MerchantOnboarding onboarding;

  public RotateMerchantCredentialsTask(MerchantOnboarding onboarding) {
    super("rotate-merchant-credentials");
    this.onboarding = onboarding;
  }

  @Override
  protected void run(Map<String, List<String>> parameters, PrintWriter output) {
    String merchantId = required(parameters, "merchantId");
    String what = required(parameters, "what");
    String credential =
        switch (what) {
          case "apiKey" -> onboarding.rotateApiKey(merchantId);
          case "webhookSecret" -> onboarding.rotateWebhookSecret(merchantId);
          default -> throw new IllegalArgumentException(
              "what must be apiKey or webhookSecret, not " + what);
        };
    output.println("merchantId: " + merchantId);
    output.println(what + ": " + credential);
    output.println(NewMerchantCredentials.SHOWN_ONCE);
  }
}
