package io.durapay.devstack.gateway;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.URI;
import java.net.URLDecoder;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Answers every request to the simulator from the {@link GatewayLedger}: checks the API key,
 * routes by method and path, and adds the base latency. Written in Java rather than as templates
 * because answers depend on what came before (idempotency keys, flaky counts, refunds).
 *
 * <p>Long because it does all the work between WireMock and the ledger: the key and version checks,
 * routing by method and path, the scripted faults (which must find the payment a request names by
 * its body, path or query), the charge hold and the damaged answers; it stays one class because
 * WireMock hands each request to one transformer, and the script must be played before the request
 * is routed.
 */
final class GatewayTransformer implements ResponseDefinitionTransformerV2 {

  static final String NAME = "durapay-gateway-simulator";

  // The one query GatewayClient sends; the search language quotes with ' and escapes with \.
  private static final Pattern PAYMENT_ID_QUERY =
      Pattern.compile("metadata\\['payment_id'\\]:'((?:[^'\\\\]|\\\\.)*)'");

  /** /v1/payment_intents/{id}, /v1/payment_intents/{id}/confirm, /v1/payment_intents/{id}/cancel. */
  private static final Pattern INTENT_PATH = Pattern.compile("/v1/payment_intents/(pi_[^/]+)(?:/(confirm|cancel))?");

  /** The API versions the simulator speaks: the one GatewayClient pins. */
  static final java.util.Set<String> SUPPORTED_VERSIONS = java.util.Set.of("2024-06-20");

  private final GatewayLedger ledger;
  private final ChargeHold hold;
  /** Per payment, the faults still to play on its requests, in order; guarded by itself. */
  private final Map<String, java.util.ArrayDeque<ScriptedFault>> scripts = new HashMap<>();
  private final Duration lateDelay;
  private final byte[] expectedAuthorization;
  private final Duration latency;

  GatewayTransformer(
      GatewayLedger ledger, ChargeHold hold, String secretKey, Duration latency, Duration lateDelay) {
    this.lateDelay = lateDelay;
    this.ledger = ledger;
    this.hold = hold;
    this.expectedAuthorization = ("Bearer " + secretKey).getBytes(UTF_8);
    this.latency = latency;
  }

  @Override
  public String getName() {
    return NAME;
  }

  @Override
  public boolean applyGlobally() {
    return false;
  }

  @Override
  public ResponseDefinition transform(ServeEvent serveEvent) {
    LoggedRequest request = serveEvent.getRequest();
    GatewayAnswer answer = authorized(request) ? scripted(request) : unauthorized();
    ResponseDefinitionBuilder response =
        ResponseDefinitionBuilder.responseDefinition()
            .withStatus(answer.status())
            .withHeader("Content-Type", "application/json")
            .withFixedDelay(Math.toIntExact(latency.plus(answer.delay()).toMillis()));
    String body = answer.body().toString();
    switch (answer.damage()) {
      case NONE -> response.withBody(body);
      // Half an object: what a proxy that dropped the connection mid-body leaves the caller.
      case TRUNCATED_BODY -> response.withBody(body.substring(0, body.length() / 2));
      case CONNECTION_RESET -> response.withFault(Fault.CONNECTION_RESET_BY_PEER);
      case CLOSED_WITHOUT_ANSWER -> response.withFault(Fault.EMPTY_RESPONSE);
    }
    if (answer.replayed()) {
      response.withHeader("Idempotent-Replayed", "true");
    }
    if (answer.retryAfter() != null) {
      response.withHeader("Retry-After", Long.toString(answer.retryAfter().toSeconds()));
    }
    return response.build();
  }

  /** From now on, each request naming the payment plays the next of {@code faults}. */
  void script(String paymentId, java.util.List<ScriptedFault> faults) {
    synchronized (scripts) {
      scripts.put(paymentId, new java.util.ArrayDeque<>(faults));
    }
  }

  private GatewayAnswer scripted(LoggedRequest request) {
    ScriptedFault fault = nextFault(request);
    return switch (fault) {
      case NONE -> route(request);
      case SERVER_ERROR -> GatewayAnswer.error(500, "api_error", null, null, "An unexpected error occurred (scripted).");
      case UNAVAILABLE -> GatewayAnswer.error(503, "api_error", null, null, "The gateway is unavailable (scripted).");
      case RESET -> GatewayAnswer.error(500, "api_error", null, null, "Connection reset (scripted).")
          .damaged(GatewayAnswer.Damage.CONNECTION_RESET);
      case RATE_LIMITED -> GatewayAnswer.error(429, "invalid_request_error", "rate_limit", null,
          "Too many requests hit the API too quickly (scripted).").withRetryAfter(Duration.ofSeconds(1));
      case KEY_IN_USE -> GatewayAnswer.invalidRequest(409, "idempotency_key_in_use",
          "There is currently another in-progress request using this Idempotent Key (scripted).");
      case ANSWER_LOST -> route(request).damaged(GatewayAnswer.Damage.CLOSED_WITHOUT_ANSWER);
      case GARBLED -> route(request).damaged(GatewayAnswer.Damage.TRUNCATED_BODY);
      case LATE -> route(request).after(lateDelay);
    };
  }

  private ScriptedFault nextFault(LoggedRequest request) {
    synchronized (scripts) {
      if (scripts.isEmpty()) {
        return ScriptedFault.NONE;
      }
    }
    String paymentId = paymentNamedBy(request);
    synchronized (scripts) {
      java.util.ArrayDeque<ScriptedFault> script = paymentId == null ? null : scripts.get(paymentId);
      return script == null || script.isEmpty() ? ScriptedFault.NONE : script.poll();
    }
  }

  /** The payment a request is about, by its body, its path or its query; null when none. */
  private String paymentNamedBy(LoggedRequest request) {
    URI url = URI.create(request.getUrl());
    String path = url.getPath();
    if (path.equals("/v1/payment_intents/search")) {
      Matcher matcher = PAYMENT_ID_QUERY.matcher(String.valueOf(decode(url.getRawQuery()).get("query")));
      return matcher.matches() ? matcher.group(1).replaceAll("\\\\(.)", "$1") : null;
    }
    Matcher intent = INTENT_PATH.matcher(path);
    if (intent.matches()) {
      return ledger.paymentOf(intent.group(1));
    }
    if (path.equals("/v1/payment_intents")) {
      return decode(request.getBodyAsString()).get("metadata[payment_id]");
    }
    if (path.equals("/v1/refunds")) {
      return ledger.paymentOf(decode(request.getBodyAsString()).get("payment_intent"));
    }
    if (path.startsWith("/v1/refunds/")) {
      return ledger.paymentOfRefund(path.substring("/v1/refunds/".length()));
    }
    return null;
  }

  private GatewayAnswer route(LoggedRequest request) {
    URI url = URI.create(request.getUrl());
    String route = request.getMethod().getName() + " " + url.getPath();
    String key = request.getHeader("Idempotency-Key");
    String version = request.getHeader("Stripe-Version");
    // Stricter than Stripe, which falls back to the account's default version: a client that
    // does not pin one may change behaviour when someone changes the account.
    if (version == null || !SUPPORTED_VERSIONS.contains(version)) {
      return GatewayAnswer.invalidRequest(400, "api_version_invalid",
          "The simulator needs a Stripe-Version header naming one of " + SUPPORTED_VERSIONS
              + (version == null ? "" : ", not " + version) + ".");
    }
    Matcher intent = INTENT_PATH.matcher(url.getPath());
    if (request.getMethod().getName().equals("GET") && url.getPath().matches("/v1/refunds/re_[^/]+")) {
      return ledger.retrieveRefund(url.getPath().substring("/v1/refunds/".length()));
    }
    if (route.equals("GET /v1/payment_intents/search")) {
      return search(decode(url.getRawQuery()).get("query"));
    }
    if (intent.matches()) {
      String id = intent.group(1);
      String action = intent.group(2);
      String method = request.getMethod().getName();
      if (action == null && method.equals("GET")) {
        return ledger.retrieve(id);
      }
      if ("confirm".equals(action) && method.equals("POST")) {
        return held(ledger.paymentOf(id), () -> ledger.confirm(id, decode(request.getBodyAsString()), key));
      }
      if ("cancel".equals(action) && method.equals("POST")) {
        return ledger.cancel(id, key);
      }
    }
    return switch (route) {
      case "POST /v1/payment_intents" -> createIntent(decode(request.getBodyAsString()), key);
      case "POST /v1/refunds" ->
          ledger.refund(decode(request.getBodyAsString()), key);
      default ->
          GatewayAnswer.invalidRequest(
              404, null, "Unrecognized request URL (" + route + ") in the gateway simulator.");
    };
  }

  private GatewayAnswer createIntent(Map<String, String> form, String key) {
    if (!"true".equals(form.get("confirm"))) {
      return ledger.createIntent(form, key); // nothing charged: never held
    }
    return held(form.get("metadata[payment_id]"), () -> ledger.createIntent(form, key));
  }

  /** A charge request waits at the door while its payment is held (outside the ledger's lock). */
  private GatewayAnswer held(String paymentId, java.util.function.Supplier<GatewayAnswer> charge) {
    if (paymentId != null) {
      try {
        hold.await(paymentId);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return GatewayAnswer.error(
            500, "api_error", null, null, "The simulator stopped while holding the request.");
      }
    }
    return charge.get();
  }

  private GatewayAnswer search(String query) {
    Matcher matcher = PAYMENT_ID_QUERY.matcher(query == null ? "" : query);
    if (!matcher.matches()) {
      return GatewayAnswer.invalidRequest(
          400,
          "parameter_invalid_string",
          "The simulator only searches by metadata['payment_id']:'<id>'.");
    }
    return ledger.search(matcher.group(1).replaceAll("\\\\(.)", "$1"));
  }

  private boolean authorized(LoggedRequest request) {
    String header = request.getHeader("Authorization");
    return header != null && MessageDigest.isEqual(expectedAuthorization, header.getBytes(UTF_8));
  }

  // Never echoes the key it got: a wrong key may still be someone's real key.
  private static GatewayAnswer unauthorized() {
    return GatewayAnswer.error(
        401, "authentication_error", null, null, "Invalid API Key provided.");
  }

  /** Reads {@code a=1&b=2} (a form body or a query string); the last of repeated names wins. */
  private static Map<String, String> decode(String encoded) {
    Map<String, String> fields = new HashMap<>();
    if (encoded == null || encoded.isEmpty()) {
      return fields;
    }
    for (String pair : encoded.split("&")) {
      String[] nameAndValue = pair.split("=", 2);
      fields.put(
          URLDecoder.decode(nameAndValue[0], UTF_8),
          nameAndValue.length == 2 ? URLDecoder.decode(nameAndValue[1], UTF_8) : "");
    }
    return fields;
  }
}
