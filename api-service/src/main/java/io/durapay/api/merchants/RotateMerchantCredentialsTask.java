package io.durapay.api.merchants;

import io.durapay.api.admin.AdminTask;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /tasks/rotate-merchant-credentials?merchantId=…&what=apiKey|webhookSecret[&overlap=false]}
 * on the admin port: replaces one credential and prints the new one. An API key stops working at
 * once; an old webhook secret goes on signing beside the new one for the overlap (24 h), unless
 * {@code overlap=false}, for a secret that leaked.
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
    String overlap = optional(parameters, "overlap").orElse("true");
    if (!overlap.equals("true") && !overlap.equals("false")) {
      throw new IllegalArgumentException("overlap must be true or false, not " + overlap);
    }
    switch (what) {
      case "apiKey" -> {
        String key = onboarding.rotateApiKey(merchantId);
        output.println("merchantId: " + merchantId);
        output.println("apiKey: " + key);
      }
      case "webhookSecret" -> {
        output.println("merchantId: " + merchantId);
        if (overlap.equals("true")) {
          MerchantOnboarding.SecretRotation rotation = onboarding.rotateWebhookSecret(merchantId);
          output.println("webhookSecret: " + rotation.secret());
          output.println("previousWebhookSecretSignsUntil: " + rotation.previousSignsUntil());
        } else {
          output.println("webhookSecret: " + onboarding.replaceWebhookSecret(merchantId));
        }
      }
      default -> throw new IllegalArgumentException("what must be apiKey or webhookSecret, not " + what);
    }
    output.println(NewMerchantCredentials.SHOWN_ONCE);
  }
}
