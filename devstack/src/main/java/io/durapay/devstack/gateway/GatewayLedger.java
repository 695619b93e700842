package io.durapay.devstack.gateway;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
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
 * The simulated gateway's books: every PaymentIntent and its status, which succeeded (were
 * charged), which were refunded, and what each payment-method token does. Thread-safe: WireMock
 * serves requests concurrently, so every method holds the lock.
 *
 * <p>As at Stripe, an intent is created unconfirmed ({@code requires_confirmation}, nothing
 * charged) or created and confirmed in one request ({@code confirm=true}); confirming is what
 * charges, and an intent succeeds at most once, whatever the keys of the requests that confirm it.
 *
 * <p>Long because it keeps Stripe's intent lifecycle, idempotency replay, refunds, lazy settlement,
 * the per-token faults and search lag over one set of maps, and a single request reads and changes
 * several of them; splitting it would split the one lock that keeps those maps consistent.
 */
final class GatewayLedger {

  /** One PaymentIntent; mutable, guarded by the ledger's lock. */
  private static final class Intent {
    final String id;
    final String paymentId;
    final long amount;
    final String currency;
    final String paymentMethod;
    /**
     * Confirmable server-side without a return_url: its payment method types are named, or {@code
     * automatic_payment_methods[allow_redirects]=never}.
     */
    final boolean redirectsNever;
    String status = "requires_confirmation";
    Instant changedAt;
    /** For a {@code processing} intent: when it settles, to which status, under which key. */
    Instant settlesAt;
    String settlesTo;
    String settleKey;
    /** The decline code of a declined intent ({@code last_payment_error}), or null. */
    String declineCode;

    Intent(IntentState state) {
      this.id = state.id();
      this.paymentId = state.paymentId();
      this.amount = state.amount();
      this.currency = state.currency();
      this.paymentMethod = state.paymentMethod();
      this.redirectsNever = state.redirectsNever();
      this.status = state.status();
      this.changedAt = state.changedAt();
      this.settlesAt = state.settlesAt();
      this.settlesTo = state.settlesTo();
      this.settleKey = state.settleKey();
      this.declineCode = state.declineCode();
    }

    Intent(String id, IntentRequest request, Instant now) {
      this.id = id;
      this.paymentId = request.paymentId();
      this.amount = request.amount();
      this.currency = request.currency();
      this.paymentMethod = request.paymentMethod();
      this.redirectsNever = request.redirectsNever();
      this.changedAt = now;
    }
  }

  /** One intent as the ledger's file keeps it. */
  record IntentState(
      String id, String paymentId, long amount, String currency, String paymentMethod,
      boolean redirectsNever, String status, Instant changedAt, Instant settlesAt, String settlesTo,
      String settleKey, String declineCode) {}

  /**
   * One refund; mutable, guarded by the ledger's lock. A {@code pending} one becomes {@code
   * settlesTo} at {@code settlesAt}.
   */
  record RefundState(
      String id, String intentId, String paymentId, long amount, String currency, String key,
      String status, Instant settlesAt, String settlesTo) {

    RefundState settled() {
      return new RefundState(id, intentId, paymentId, amount, currency, key, settlesTo, null, null);
    }
  }

  /**
   * What the gateway remembers across a restart of the simulator, as Stripe remembers it: every
   * intent and refund and its status, every charge and refund made. Idempotency keys are not kept.
   */
  record Snapshot(
      List<IntentState> intents, List<String> refundedIntents, List<SimulatedCharge> charges,
      List<SimulatedRefund> refunds, List<RefundState> refundStates) {}

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private final int faultsPerPayment;
  private final Duration slowDelay;
  private final Duration lateDelay;
  private final Duration searchLag;
  private final Duration settleDelay;
  /** Read under the ledger's lock, so that requests are stamped in the order they are served. */
  private final Clock clock;
  private final IdempotencyStore idempotency = new IdempotencyStore();
  private final Map<String, Intent> intents = new LinkedHashMap<>();
  private final Set<String> refundedIntents = new HashSet<>();
  private final Map<String, Integer> attempts = new HashMap<>();
  private final List<SimulatedCharge> charges = new ArrayList<>();
  private final List<SimulatedRefund> refunds = new ArrayList<>();
  private final Map<String, RefundState> refundsById = new LinkedHashMap<>();
  /** Intents and refunds not final yet, settled lazily by {@link #settleDue} as time passes. */
  private final Set<String> unsettledIntents = new java.util.LinkedHashSet<>();
  private final Set<String> pendingRefunds = new java.util.LinkedHashSet<>();

  /**
   * @param faultsPerPayment how many charge requests per payment the counted fault tokens spoil
   * @param slowDelay how long {@code pm_card_slow} works on a charge
   * @param lateDelay how late the first answer of {@code pm_card_timeout} and {@code
   *     pm_card_lateThenUnavailable} arrives
   * @param searchLag how long an intent stays out of search results after it changed
   * @param settleDelay how long an asynchronous intent stays {@code processing} and a pending
   *     refund {@code pending}
   * @param clock the gateway's time (search lag, idempotency keys, settlement)
   */
  GatewayLedger(
      int faultsPerPayment, Duration slowDelay, Duration lateDelay, Duration searchLag, Duration settleDelay,
      Clock clock) {
    this.clock = clock;
    this.settleDelay = settleDelay;
    this.faultsPerPayment = faultsPerPayment;
    this.slowDelay = slowDelay;
    this.lateDelay = lateDelay;
    this.searchLag = searchLag;
  }

  /** The payment a refund belongs to, or null. */
  synchronized String paymentOfRefund(String refundId) {
    RefundState refund = refundsById.get(refundId);
    return refund == null ? null : refund.paymentId();
  }

  /** The payment an intent belongs to, or null: the charge hold is per payment. */
  synchronized String paymentOf(String intentId) {
    Intent intent = intentId == null ? null : intents.get(intentId);
    return intent == null ? null : intent.paymentId;
  }

  /**
   * POST /v1/payment_intents. Unconfirmed, it only records the intent (no faults: nothing is
   * charged). With {@code confirm=true} it is a charge request, as {@link #confirm} is.
   */
  synchronized GatewayAnswer createIntent(Map<String, String> form, String key) {
    Instant now = now();
    boolean confirm = "true".equals(form.get("confirm"));
    String paymentId = form.get("metadata[payment_id]");
    String token = form.getOrDefault("payment_method", "");
    String fingerprint = "payment_intents" + new TreeMap<>(form);
    if (!confirm) {
      return remembered(fingerprint, key, now, () -> IntentRequest.problemWith(form)
          .orElseGet(() -> GatewayAnswer.ok(toJson(newIntent(IntentRequest.of(form), now)))));
    }
    int request = countChargeRequest(paymentId);
    Optional<GatewayAnswer> outage = inFrontOfTheGateway(token, request);
    if (outage.isPresent()) {
      return outage.get();
    }
    GatewayAnswer answer = remembered(fingerprint, key, now, () -> IntentRequest.problemWith(form)
        .orElseGet(() -> confirmNow(newIntent(IntentRequest.of(form), now), Map.of(), request, now, key)));
    return onTheWayBack(token, request, answer);
  }

  /** POST /v1/payment_intents/{id}/confirm: the charge request of an unconfirmed intent. */
  synchronized GatewayAnswer confirm(String intentId, Map<String, String> form, String key) {
    Instant now = now();
    Intent intent = intents.get(intentId);
    if (intent == null) {
      return noSuchIntent(intentId);
    }
    int request = countChargeRequest(intent.paymentId);
    Optional<GatewayAnswer> outage = inFrontOfTheGateway(intent.paymentMethod, request);
    if (outage.isPresent()) {
      return outage.get();
    }
    GatewayAnswer answer = remembered("confirm " + intentId + new TreeMap<>(form), key, now,
        () -> confirmNow(intent, form, request, now, key));
    return onTheWayBack(intent.paymentMethod, request, answer);
  }

  /** GET /v1/payment_intents/{id}: the intent as it is now (never lagging, unlike search). */
  synchronized GatewayAnswer retrieve(String intentId) {
    now();
    Intent intent = intents.get(intentId);
    return intent == null ? noSuchIntent(intentId) : GatewayAnswer.ok(toJson(intent));
  }

  /** POST /v1/payment_intents/{id}/cancel: an intent that has not succeeded can never charge after. */
  synchronized GatewayAnswer cancel(String intentId, String key) {
    Instant now = now();
    Intent intent = intents.get(intentId);
    if (intent == null) {
      return noSuchIntent(intentId);
    }
    return remembered("cancel " + intentId, key, now, () -> {
      // A card payment that is processing cannot be canceled: it settles one way or the other.
      if (intent.status.equals("succeeded") || intent.status.equals("canceled")
          || intent.status.equals("processing")) {
        return unexpectedState(intent, "cancel");
      }
      change(intent, "canceled", now);
      return GatewayAnswer.ok(toJson(intent));
    });
  }

  private GatewayAnswer confirmNow(
      Intent intent, Map<String, String> form, int request, Instant now, String key) {
    if (!intent.status.equals("requires_confirmation") && !intent.status.equals("requires_payment_method")) {
      return unexpectedState(intent, "confirm");
    }
    // Since API version 2023-08-16 an intent accepts the Dashboard's payment methods, redirect
    // ones included: a server-side confirm needs a return_url, named types, or no redirects.
    if (!intent.redirectsNever && !form.containsKey("return_url")) {
      return GatewayAnswer.invalidRequest(400, "parameter_missing",
          "This PaymentIntent is configured to accept payment methods enabled in your Dashboard, some of which"
              + " may require a full page redirect to succeed. To confirm it, provide a return_url, name its"
              + " payment_method_types, or set automatic_payment_methods[allow_redirects] to never.");
    }
    String token = intent.paymentMethod;
    return switch (token) {
      case "pm_card_chargeDeclined" -> declined(intent, "generic_decline", "Your card was declined.", now);
      case "pm_card_insufficientFunds" ->
          declined(intent, "insufficient_funds", "Your card has insufficient funds.", now);
      // The endpoint ran and failed: Stripe keeps a 500 under the key like any result it began.
      case "pm_card_error500" ->
          request <= faultsPerPayment
              ? GatewayAnswer.error(500, "api_error", null, null, "An unknown error occurred (simulated).").kept()
              : succeed(intent, now, key);
      case "pm_card_slow" -> succeed(intent, now, key).after(slowDelay);
      // Asynchronous settlement: the confirm answers processing; the outcome comes settleDelay later.
      case "pm_card_processing" -> settleLater(intent, "succeeded", now, key);
      case "pm_card_processingDeclined" -> settleLater(intent, "requires_payment_method", now, key);
      // 3-D Secure on every payment: a server-side confirm leaves it waiting for the customer.
      case "pm_card_authenticationRequired" -> {
        change(intent, "requires_action", now);
        ObjectNode json = toJson(intent);
        json.putObject("next_action").put("type", "use_stripe_sdk");
        yield GatewayAnswer.ok(json);
      }
      default ->
          token.startsWith("pm_card_")
              ? succeed(intent, now, key)
              : GatewayAnswer.invalidRequest(400, "resource_missing", "No such PaymentMethod: '" + token + "'");
    };
  }

  private GatewayAnswer succeed(Intent intent, Instant now, String key) {
    change(intent, "succeeded", now);
    charges.add(new SimulatedCharge(intent.paymentId, intent.id, intent.amount, intent.currency, key));
    return GatewayAnswer.ok(toJson(intent));
  }

  private GatewayAnswer settleLater(Intent intent, String to, Instant now, String key) {
    change(intent, "processing", now);
    intent.settlesAt = now.plus(settleDelay);
    intent.settlesTo = to;
    intent.settleKey = key;
    unsettledIntents.add(intent.id);
    return GatewayAnswer.ok(toJson(intent));
  }

  /** The clock's reading, after settling every intent and refund that is due by then. */
  private Instant now() {
    Instant now = clock.instant();
    settleDue(now);
    return now;
  }

  private void settleDue(Instant now) {
    for (java.util.Iterator<String> it = unsettledIntents.iterator(); it.hasNext(); ) {
      Intent intent = intents.get(it.next());
      if (intent.settlesAt.isAfter(now)) {
        continue;
      }
      it.remove();
      Instant at = intent.settlesAt;
      if (intent.settlesTo.equals("succeeded")) {
        succeed(intent, at, intent.settleKey);
      } else {
        change(intent, intent.settlesTo, at);
        intent.declineCode = "generic_decline";
      }
      intent.settlesAt = null;
      intent.settlesTo = null;
    }
    for (java.util.Iterator<String> it = pendingRefunds.iterator(); it.hasNext(); ) {
      RefundState refund = refundsById.get(it.next());
      if (refund.settlesAt().isAfter(now)) {
        continue;
      }
      it.remove();
      RefundState settled = refund.settled();
      refundsById.put(settled.id(), settled);
      if (settled.status().equals("succeeded")) {
        refunds.add(new SimulatedRefund(
            settled.id(), settled.intentId(), settled.paymentId(), settled.amount(), settled.currency(), settled.key()));
      } else {
        refundedIntents.remove(settled.intentId()); // the money stayed with the merchant: refundable again
      }
    }
  }

  private GatewayAnswer declined(Intent intent, String declineCode, String message, Instant now) {
    change(intent, "requires_payment_method", now);
    intent.declineCode = declineCode;
    GatewayAnswer answer = GatewayAnswer.error(402, "card_error", "card_declined", declineCode, message);
    ((ObjectNode) answer.body().get("error")).set("payment_intent", toJson(intent));
    return answer;
  }

  private Intent newIntent(IntentRequest request, Instant now) {
    // pi_<paymentId>, so a reader of the demo sees which payment an intent belongs to; a second
    // intent for the same payment (a create without the key) gets a suffix.
    String id = "pi_" + request.paymentId();
    for (int n = 2; intents.containsKey(id); n++) {
      id = "pi_" + request.paymentId() + "_" + n;
    }
    Intent intent = new Intent(id, request, now);
    intents.put(id, intent);
    return intent;
  }

  private static void change(Intent intent, String status, Instant now) {
    intent.status = status;
    intent.changedAt = now;
  }

  private int countChargeRequest(String paymentId) {
    return attempts.merge(paymentId == null ? "" : paymentId, 1, Integer::sum);
  }

  /** Stripe's idempotency layer around {@code work}: a repeated key replays the kept answer. */
  private GatewayAnswer remembered(
      String fingerprint, String key, Instant now, java.util.function.Supplier<GatewayAnswer> work) {
    if (key != null) {
      Optional<GatewayAnswer> replay = idempotency.replay(key, fingerprint, now);
      if (replay.isPresent()) {
        return replay.get();
      }
    }
    GatewayAnswer answer = work.get();
    if (key != null) {
      idempotency.remember(key, fingerprint, answer, now);
    }
    return answer;
  }

  /** Faults before the gateway runs anything: a load balancer's 5xx, a reset, a rate limit. */
  private Optional<GatewayAnswer> inFrontOfTheGateway(String token, int request) {
    boolean spoiled = request <= faultsPerPayment;
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
          // The first request got through and charged; later charge requests find the gateway down.
          case "pm_card_lateThenUnavailable" ->
              request > 1 ? serverError(503, "The gateway is temporarily unavailable") : null;
          default -> null;
        };
    return Optional.ofNullable(outage);
  }

  /** Faults after the gateway decided (and, for a good card, charged): the answer is spoiled. */
  private GatewayAnswer onTheWayBack(String token, int request, GatewayAnswer answer) {
    boolean spoiled = request <= faultsPerPayment;
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

  private static GatewayAnswer noSuchIntent(String intentId) {
    return GatewayAnswer.invalidRequest(404, "resource_missing", "No such payment_intent: '" + intentId + "'");
  }

  private static GatewayAnswer unexpectedState(Intent intent, String action) {
    GatewayAnswer answer = GatewayAnswer.invalidRequest(400, "payment_intent_unexpected_state",
        "You cannot " + action + " this PaymentIntent because it has a status of " + intent.status + ".");
    ((ObjectNode) answer.body().get("error")).set("payment_intent", toJson(intent));
    return answer;
  }

  /**
   * POST /v1/refunds: refunds a succeeded intent in full, once. The refund succeeds at once, but
   * for {@code pm_card_refundPending} (pending, succeeds after the settle delay) and {@code
   * pm_card_refundFail} (pending, then failed: the money stays charged and the intent can be
   * refunded again).
   */
  synchronized GatewayAnswer refund(Map<String, String> form, String key) {
    Instant now = now();
    return remembered("refunds" + new TreeMap<>(form), key, now, () -> {
      String intentId = form.get("payment_intent");
      if (intentId == null || intentId.isBlank()) {
        return GatewayAnswer.invalidRequest(400, "parameter_missing", "Missing required param: payment_intent.");
      }
      Intent intent = intents.get(intentId);
      if (intent == null) {
        return noSuchIntent(intentId);
      }
      if (!intent.status.equals("succeeded")) {
        return GatewayAnswer.invalidRequest(400, "charge_not_succeeded",
            "This PaymentIntent (" + intentId + ") does not have a successful charge to refund.");
      }
      if (!refundedIntents.add(intentId)) {
        return GatewayAnswer.invalidRequest(
            400, "charge_already_refunded", "Charge for " + intentId + " has already been refunded.");
      }
      String refundId = "re_" + intentId.substring("pi_".length());
      for (int n = 2; refundsById.containsKey(refundId); n++) {
        refundId = "re_" + intentId.substring("pi_".length()) + "_" + n;
      }
      String settlesTo = switch (intent.paymentMethod) {
        case "pm_card_refundPending" -> "succeeded";
        case "pm_card_refundFail" -> "failed";
        default -> null;
      };
      RefundState refund = new RefundState(refundId, intentId, intent.paymentId, intent.amount, intent.currency,
          key, settlesTo == null ? "succeeded" : "pending", settlesTo == null ? null : now.plus(settleDelay),
          settlesTo);
      refundsById.put(refundId, refund);
      if (settlesTo == null) {
        refunds.add(new SimulatedRefund(refundId, intentId, intent.paymentId, intent.amount, intent.currency, key));
      } else {
        pendingRefunds.add(refundId);
      }
      return GatewayAnswer.ok(toJson(refund));
    });
  }

  /** GET /v1/refunds/{id}: the refund as it is now. */
  synchronized GatewayAnswer retrieveRefund(String refundId) {
    now();
    RefundState refund = refundsById.get(refundId);
    return refund == null
        ? GatewayAnswer.invalidRequest(404, "resource_missing", "No such refund: '" + refundId + "'")
        : GatewayAnswer.ok(toJson(refund));
  }

  private static ObjectNode toJson(RefundState refund) {
    ObjectNode json = JSON.objectNode()
        .put("id", refund.id())
        .put("object", "refund")
        .put("status", refund.status())
        .put("amount", refund.amount())
        .put("currency", refund.currency())
        .put("payment_intent", refund.intentId());
    if (refund.status().equals("failed")) {
      json.put("failure_reason", "expired_or_canceled_card");
    }
    return json;
  }

  /**
   * GET /v1/payment_intents/search for one payment id: its intents, those that changed within the
   * search lag left out (Stripe's index is eventually consistent).
   */
  synchronized GatewayAnswer search(String paymentId) {
    Instant now = now();
    ArrayNode data = JSON.arrayNode();
    intents.values().stream()
        .filter(intent -> intent.paymentId.equals(paymentId))
        .filter(intent -> !intent.changedAt.plus(searchLag).isAfter(now))
        .forEach(intent -> data.add(toJson(intent)));
    ObjectNode result =
        JSON.objectNode()
            .put("object", "search_result")
            .put("url", "/v1/payment_intents/search")
            .put("has_more", false);
    result.set("data", data);
    return GatewayAnswer.ok(result);
  }

  synchronized Snapshot snapshot() {
    now();
    List<IntentState> states = intents.values().stream()
        .map(i -> new IntentState(i.id, i.paymentId, i.amount, i.currency, i.paymentMethod, i.redirectsNever,
            i.status, i.changedAt, i.settlesAt, i.settlesTo, i.settleKey, i.declineCode))
        .toList();
    return new Snapshot(states, List.copyOf(refundedIntents), List.copyOf(charges), List.copyOf(refunds),
        List.copyOf(refundsById.values()));
  }

  synchronized void restore(Snapshot snapshot) {
    snapshot.intents().forEach(state -> {
      intents.put(state.id(), new Intent(state));
      if (state.settlesAt() != null) {
        unsettledIntents.add(state.id());
      }
    });
    refundedIntents.addAll(snapshot.refundedIntents());
    charges.addAll(snapshot.charges());
    refunds.addAll(snapshot.refunds());
    // A file from before refunds were kept by id lists only the refunds made (all succeeded).
    List<RefundState> states = snapshot.refundStates() != null ? snapshot.refundStates()
        : snapshot.refunds().stream().map(r -> new RefundState(r.refundId(), r.intentId(), r.paymentId(),
            r.amount(), r.currency(), r.idempotencyKey(), "succeeded", null, null)).toList();
    states.forEach(state -> {
      refundsById.put(state.id(), state);
      if (state.settlesAt() != null) {
        pendingRefunds.add(state.id());
      }
    });
  }

  /** Every charge made by now: an asynchronous intent counts once it settled succeeded. */
  synchronized List<SimulatedCharge> charges() {
    now();
    return List.copyOf(charges);
  }

  /** Every refund made by now: a pending one counts once it settled succeeded. */
  synchronized List<SimulatedRefund> refunds() {
    now();
    return List.copyOf(refunds);
  }

  /** Charge requests (create-and-confirm, confirm) that named this payment, faults included. */
  synchronized int chargeAttempts(String paymentId) {
    return attempts.getOrDefault(paymentId, 0);
  }

  private static ObjectNode toJson(Intent intent) {
    boolean succeeded = intent.status.equals("succeeded");
    ObjectNode json =
        JSON.objectNode()
            .put("id", intent.id)
            .put("object", "payment_intent")
            .put("status", intent.status)
            .put("amount", intent.amount)
            .put("amount_received", succeeded ? intent.amount : 0)
            .put("currency", intent.currency);
    json.putObject("metadata").put("payment_id", intent.paymentId);
    if (intent.declineCode != null && intent.status.equals("requires_payment_method")) {
      json.putObject("last_payment_error")
          .put("type", "card_error").put("code", "card_declined").put("decline_code", intent.declineCode)
          .put("message", "Your card was declined.");
    }
    return json;
  }
}
