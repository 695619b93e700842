package io.durapay.api.webhooks;

import io.durapay.api.admin.AdminTask;
import io.durapay.api.console.OperatorAuthFilter;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /tasks/enable-webhooks?merchantId=…} on the admin port: what the merchant's own
 * {@code POST /v1/webhook_endpoint/enable} does, for an operator (recorded as theirs).
 */
public final class EnableWebhooksTask extends AdminTask {
  private final WebhookEndpoints endpoints;

  public EnableWebhooksTask(WebhookEndpoints endpoints) {
    super("enable-webhooks");
    this.endpoints = endpoints;
  }

  @Override
  protected void run(Map<String, List<String>> parameters, PrintWriter output) {
    String merchantId = required(parameters, "merchantId");
    WebhookEndpoints.Endpoint endpoint = endpoints.enable(merchantId, OperatorAuthFilter.currentOperator())
        .orElseThrow(() -> new IllegalArgumentException("no merchant " + merchantId + ": nothing changed"));
    output.println("webhooks enabled for " + merchantId + " (" + endpoint.url() + "); "
        + endpoint.resent() + " undelivered event(s) of the last 30 days queued to be sent again");
  }
}
