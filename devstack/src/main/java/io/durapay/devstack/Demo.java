package io.durapay.devstack;

import com.fasterxml.jackson.databind.JsonNode;
import io.durapay.apiclient.ApiClient;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A scripted run through the public REST API only: successes, a decline, a flaky gateway, a
 * cancellation and a merchant whose webhook endpoint is down. It waits for every payment to reach
 * a final status and reports whether each ended as expected.
 */
public final class Demo {
  private static final Duration DEADLINE = Duration.ofSeconds(90);

  /** One scripted payment and what must become of it. */
  record Scenario(String name, boolean downMerchant, String token, boolean cancel, String expected,
      boolean webhookExpected) {}

  /** What became of it. */
  record Outcome(Scenario scenario, String paymentId, String actual, Integer attempts,
      boolean webhookDelivered) {
    boolean asExpected() {
      return scenario.expected().equals(actual) && webhookDelivered == scenario.webhookExpected();
    }
  }

  static final List<Scenario> SCENARIOS = List.of(
      new Scenario("card succeeds", false, "pm_card_visa", false, "completed", true),
      new Scenario("another card succeeds", false, "pm_card_visa", false, "completed", true),
      new Scenario("card declined", false, "pm_card_chargeDeclined", false, "failed", true),
      new Scenario("gateway fails twice, then succeeds", false, "pm_card_flaky", false, "completed", true),
      new Scenario("cancelled while charging", false, "pm_card_slow", true, "cancelled", true),
      new Scenario("merchant's webhook endpoint down", true, "pm_card_visa", false, "completed", false));

  private final Stack stack;
  private final ApiClient api;

  Demo(Stack stack) {
    this.stack = stack;
    this.api = new ApiClient(stack::apiUrl);
  }

  /** Runs every scenario; true when all ended as expected. */
  boolean run(PrintStream out) throws IOException, InterruptedException {
    List<String> ids = new ArrayList<>();
    for (Scenario scenario : SCENARIOS) {
      String key = scenario.downMerchant() ? stack.downMerchant().apiKey() : stack.demoMerchant().apiKey();
      String id = api.createPayment(key, scenario.token(), "devstack demo");
      if (scenario.cancel()) {
        api.request("POST", "/v1/payments/" + id + "/cancel").bearer(key).send().ok();
      }
      ids.add(id);
    }
    List<Outcome> outcomes = new ArrayList<>();
    for (int i = 0; i < SCENARIOS.size(); i++) {
      outcomes.add(await(SCENARIOS.get(i), ids.get(i)));
    }
    print(outcomes, out);
    return outcomes.stream().allMatch(Outcome::asExpected);
  }

  private Outcome await(Scenario scenario, String id) throws IOException, InterruptedException {
    String key = scenario.downMerchant() ? stack.downMerchant().apiKey() : stack.demoMerchant().apiKey();
    Instant deadline = Instant.now().plus(DEADLINE);
    String status = "initiated";
    while (Instant.now().isBefore(deadline)) {
      status = api.request("GET", "/v1/payments/" + id).bearer(key).send().ok().get("status").asText();
      boolean isFinal = status.equals("completed") || status.equals("failed") || status.equals("cancelled");
      boolean webhookSettled = !scenario.webhookExpected() || delivered(id);
      if (isFinal && webhookSettled) {
        break;
      }
      Thread.sleep(200);
    }
    return new Outcome(scenario, id, status, chargeAttempts(key, id), delivered(id));
  }

  private boolean delivered(String paymentId) {
    return stack.webhooks().deliveriesFor(paymentId).stream().anyMatch(d -> d.verified());
  }

  private Integer chargeAttempts(String apiKey, String id) throws IOException, InterruptedException {
    JsonNode workflow = api.request("GET", "/v1/payments/" + id + "/timeline").bearer(apiKey).send().ok().get("workflow");
    if (workflow == null || workflow.isNull()) {
      return null;
    }
    for (JsonNode activity : workflow.get("activities")) {
      if (activity.get("name").asText().equals("ProcessPaymentWithGateway")) {
        return activity.get("attempts").isNull() ? null : activity.get("attempts").asInt();
      }
    }
    return 0;
  }

  private static void print(List<Outcome> outcomes, PrintStream out) {
    String format = "%-36s %-30s %-10s %-10s %-8s %-9s %s%n";
    out.printf(format, "scenario", "payment", "expected", "actual", "attempts", "webhook", "");
    for (Outcome o : outcomes) {
      out.printf(format, o.scenario().name(), o.paymentId(), o.scenario().expected(), o.actual(),
          o.attempts() == null ? "-" : o.attempts(), o.webhookDelivered() ? "delivered" : "no",
          o.asExpected() ? "ok" : "UNEXPECTED");
    }
  }
}
