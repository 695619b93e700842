package io.durapay.devstack.gateway;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The simulated gateway's books: which intents succeeded, which were refunded, and what each
 * payment-method token does. Thread-safe: WireMock serves requests concurrently, so every method
 * holds the lock.
 */
final class GatewayLedger {

  private record Intent(String id, String paymentId, long amount, String currency) {}

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private final int faultsPerKey;
  private final Duration slowDelay;
  private final Duration lateDelay;
  private final IdempotencyStore idempotency = new IdempotencyStore();
  private final Map<String, Intent> intents = new LinkedHashMap<>();
  private final Set<String> refundedIntents = new HashSet<>();
  private final Map<String, Integer> attempts = new HashMap<>();
  private final Map<String, Integer> requestsByKey = new HashMap<>();
  private final List<SimulatedCharge> charges = new ArrayList<>();
  private final List<SimulatedRefund> refunds = new ArrayList<>();

  /**
   * @param faultsPerKey how many requests per idempotency key the counted fault tokens spoil
   * @param slowDelay how long {@code pm_card_slow} works on a charge
   * @param lateDelay how late the first answer of {@code pm_card_timeout} and {@code
   *     pm_card_lateThenUnavailable} arrives
   */
  GatewayLedger(int faultsPerKey, Duration slowDelay, Duration lateDelay) {
    this.faultsPerKey = faultsPerKey;
    this.slowDelay = slowDelay;
    this.lateDelay = lateDelay;
  }

  /**
   * POST /v1/payment_intents: the answer depends on the payment-method token. A fault token acts
   * either in front of the gateway (nothing runs, nothing is stored under the key) or on the way
   * back (the charge is made and stored under the key, and only its answer is spoiled).
   */
  synchronized GatewayAnswer createIntent(Map<String, String> form, String key, Instant now) {
    String paymentId = form.get("metadata[payment_id]");
    if (paymentId != null) {
      attempts.merge(paymentId, 1, Integer::sum);
    }
    String token = form.getOrDefault("payment_method", "");
    // Without a key the payment id stands in, so a keyless retry also gets through in the end.
    int request = requestsByKey.merge(key != null ? key : "payment:" + paymentId, 1, Integer::sum);
    Optional<GatewayAnswer> outage = inFrontOfTheGateway(token, request);
    if (outage.isPresent()) {
      return outage.get();
    }
    return onTheWayBack(token, request, answer(form, key, now));
  }

  private GatewayAnswer answer(Map<String, String> form, String key, Instant now) {
    String fingerprint = "payment_intents" + new TreeMap<>(form);
    if (key != null) {
      Optional<GatewayAnswer> replay = idempotency.replay(key, fingerprint, now);
      if (replay.isPresent()) {
        return replay.get();
      }
    }
    Optional<GatewayAnswer> problem = IntentRequest.problemWith(form);
    if (problem.isPresent()) {
      return problem.get();
    }
    GatewayAnswer answer = decide(IntentRequest.of(form), key);
    if (key != null) {
      idempotency.remember(key, fingerprint, answer, now);
    }
    return answer;
  }

  /** Faults before the gateway runs anything: a load balancer's 5xx, a reset, a rate limit. */
  private Optional<GatewayAnswer> inFrontOfTheGateway(String token, int request) {
    boolean spoiled = request <= faultsPerKey;
    GatewayAnswer outage =
        switch (token) {
          case "pm_card_flaky" -> spoiled ? serverError(500, "An unexpected error occurred") : null;
          case "pm_card_reset" ->
              spoiled
                  ? serverError(500, "Connection reset")
                      .damaged(GatewayAnswer.Damage.CONNECTION_RESET)
                  : null;
          case "pm_card_rateLimited" ->
              spoiled
                  ? GatewayAnswer.error(
                          429,
                          "invalid_request_error",
                          "rate_limit",
                          null,
                          "Too many requests hit the API too quickly (simulated).")
                      .withRetryAfter(Duration.ofSeconds(1))
                  : null;
          // The first request got through and charged; its retries find the gateway down.
          case "pm_card_lateThenUnavailable" ->
              request > 1 ? serverError(503, "The gateway is temporarily unavailable") : null;
          default -> null;
        };
    return Optional.ofNullable(outage);
  }

  /** Faults after the gateway decided (and, for a good card, charged): the answer is spoiled. */
  private GatewayAnswer onTheWayBack(String token, int request, GatewayAnswer answer) {
    boolean spoiled = request <= faultsPerKey;
    return switch (token) {
      case "pm_card_dropped" ->
          spoiled ? answer.damaged(GatewayAnswer.Damage.CLOSED_WITHOUT_ANSWER) : answer;
      case "pm_card_garbage" ->
          spoiled ? answer.damaged(GatewayAnswer.Damage.TRUNCATED_BODY) : answer;
      // The work was done at once (a replay is ready); only the answer takes long to come back.
      case "pm_card_timeout", "pm_card_lateThenUnavailable" ->
          request == 1 ? answer.after(lateDelay) : answer;
      default -> answer;
    };
  }

  private static GatewayAnswer serverError(int status, String message) {
    return GatewayAnswer.error(status, "api_error", null, null, message + " (simulated).");
  }

  /** POST /v1/refunds: refunds a succeeded intent in full, once. */
  synchronized GatewayAnswer refund(Map<String, String> form, String key, Instant now) {
    String fingerprint = "refunds" + new TreeMap<>(form);
    if (key != null) {
      Optional<GatewayAnswer> replay = idempotency.replay(key, fingerprint, now);
      if (replay.isPresent()) {
        return replay.get();
      }
    }
    String intentId = form.get("payment_intent");
    if (intentId == null || intentId.isBlank()) {
      return GatewayAnswer.invalidRequest(
          400, "parameter_missing", "Missing required param: payment_intent.");
    }
    Intent intent = intents.get(intentId);
    if (intent == null) {
      return GatewayAnswer.invalidRequest(
          404, "resource_missing", "No such payment_intent: '" + intentId + "'");
    }
    if (!refundedIntents.add(intentId)) {
      return GatewayAnswer.invalidRequest(
          400,
          "charge_already_refunded",
          "Charge for " + intentId + " has already been refunded.");
    }
    String refundId = "re_" + intentId.substring("pi_".length());
    refunds.add(
        new SimulatedRefund(
            refundId, intentId, intent.paymentId(), intent.amount(), intent.currency(), key));
    GatewayAnswer answer =
        GatewayAnswer.ok(
            JSON.objectNode()
                .put("id", refundId)
                .put("object", "refund")
                .put("status", "succeeded")
                .put("amount", intent.amount())
                .put("currency", intent.currency())
                .put("payment_intent", intentId));
    if (key != null) {
      idempotency.remember(key, fingerprint, answer, now);
    }
    return answer;
  }

  /** GET /v1/payment_intents/search for one payment id: its succeeded intents. */
  synchronized GatewayAnswer search(String paymentId) {
    ArrayNode data = JSON.arrayNode();
    intents.values().stream()
        .filter(intent -> intent.paymentId().equals(paymentId))
        .forEach(intent -> data.add(toJson(intent)));
    ObjectNode result =
        JSON.objectNode()
            .put("object", "search_result")
            .put("url", "/v1/payment_intents/search")
            .put("has_more", false);
    result.set("data", data);
    return GatewayAnswer.ok(result);
  }

  synchronized List<SimulatedCharge> charges() {
    return List.copyOf(charges);
  }

  synchronized List<SimulatedRefund> refunds() {
    return List.copyOf(refunds);
  }

  synchronized int chargeAttempts(String paymentId) {
    return attempts.getOrDefault(paymentId, 0);
  }

  private GatewayAnswer decide(IntentRequest request, String key) {
    String token = request.paymentMethod();
    return switch (token) {
      case "pm_card_chargeDeclined" -> declined("generic_decline", "Your card was declined.");
      case "pm_card_insufficientFunds" ->
          declined("insufficient_funds", "Your card has insufficient funds.");
      case "pm_card_slow" -> charge(request, key).after(slowDelay);
      default ->
          token.startsWith("pm_card_")
              ? charge(request, key)
              : GatewayAnswer.invalidRequest(
                  400, "resource_missing", "No such PaymentMethod: '" + token + "'");
    };
  }

  private GatewayAnswer charge(IntentRequest request, String key) {
    // pi_<paymentId>, so a reader of the demo sees which payment an intent belongs to; a second
    // intent for the same payment (a charge without the key) gets a suffix and shows as a double.
    String id = "pi_" + request.paymentId();
    for (int n = 2; intents.containsKey(id); n++) {
      id = "pi_" + request.paymentId() + "_" + n;
    }
    Intent intent = new Intent(id, request.paymentId(), request.amount(), request.currency());
    intents.put(id, intent);
    charges.add(
        new SimulatedCharge(
            request.paymentId(), id, request.amount(), request.currency(), key));
    return GatewayAnswer.ok(toJson(intent));
  }

  private static GatewayAnswer declined(String declineCode, String message) {
    return GatewayAnswer.error(402, "card_error", "card_declined", declineCode, message);
  }

  private static ObjectNode toJson(Intent intent) {
    ObjectNode json =
        JSON.objectNode()
            .put("id", intent.id())
            .put("object", "payment_intent")
            .put("status", "succeeded")
            .put("amount", intent.amount())
            .put("amount_received", intent.amount())
            .put("currency", intent.currency());
    json.putObject("metadata").put("payment_id", intent.paymentId());
    return json;
  }
}
