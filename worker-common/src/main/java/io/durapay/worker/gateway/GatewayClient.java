package io.durapay.worker.gateway;

import io.durapay.worker.http.RetryAfter;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import okhttp3.FormBody;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Charges and refunds payments through a Stripe-compatible gateway. Every failure is a {@link
 * GatewayException} saying whether a retry can help; retries are safe because every write carries
 * an idempotency key derived from the payment id. Thread-safe.
 *
 * <p>Long because it wraps each Stripe endpoint the worker uses (create, confirm, retrieve, cancel,
 * refund, retrieve refund, search) and turns every answer into a typed result or a
 * GatewayException; they stay in one class so that every request is built by the one authorized
 * method, which pins the API version and sends the key, and sent by the one call method, which
 * redacts the key from errors and records key health.
 */
public final class GatewayClient implements AutoCloseable {
  /** Stripe's code for a request the intent's current state does not allow. */
  private static final String UNEXPECTED_STATE = "payment_intent_unexpected_state";

  private static final String ALREADY_REFUNDED = "charge_already_refunded";

  /**
   * The Stripe API version every request pins. Without it Stripe answers in the account's default
   * version, which anyone with Dashboard access can change, and the meaning of fields and states
   * with it. 2024-06-20 is the last version named by date alone; since 2023-08-16 intents accept
   * the Dashboard's payment methods by default (redirect ones too), so a server-side confirm must
   * either give a return_url or name its payment method types ({@link #createIntent}).
   */
  public static final String STRIPE_VERSION = "2024-06-20";

  private final OkHttpClient http;
  private final HttpUrl baseUrl;
  private final String secretKey;
  private final ObjectMapper json = new ObjectMapper();
  private final GatewayKeyHealth keyHealth;

  public GatewayClient(OkHttpClient http, String baseUrl, String secretKey) {
    this(http, baseUrl, secretKey, new GatewayKeyHealth(java.time.Clock.systemUTC()));
  }

  public GatewayClient(OkHttpClient http, String baseUrl, String secretKey, GatewayKeyHealth keyHealth) {
    this.keyHealth = requireNonNull(keyHealth, "keyHealth");
    this.http = requireNonNull(http, "http");
    this.baseUrl = HttpUrl.get(requireNonNull(baseUrl, "baseUrl"));
    if (secretKey == null || secretKey.isBlank()) {
      throw new IllegalArgumentException("the gateway secret key is not set");
    }
    this.secretKey = secretKey;
  }

  /**
   * Creates the payment's PaymentIntent, unconfirmed: nothing is charged yet, and the intent's id
   * is known before any charge is tried, so the caller can record it first and always find out
   * later what became of the charge ({@link #retrieve}). Idempotent: the payment id is the key, so
   * a repeated call gets the same intent back. Cards only ({@code payment_method_types[]=card}):
   * they answer the confirm synchronously, and the confirm happens server-side with no customer to
   * redirect, which {@link #STRIPE_VERSION} requires to be said (naming the types turns the
   * Dashboard's automatic payment methods, redirect ones among them, off).
   *
   * @throws GatewayRejectedException when the gateway rejects the request itself
   * @throws GatewayRetryableException when the answer was lost or the gateway is unavailable
   */
  public GatewayIntent createIntent(String paymentId, long amount, String currency, String paymentMethod) {
    FormBody form =
        new FormBody.Builder()
            .add("amount", Long.toString(amount))
            .add("currency", currency.toLowerCase(Locale.ROOT))
            .add("payment_method", paymentMethod)
            .add("payment_method_types[]", "card")
            .add("metadata[payment_id]", paymentId)
            .build();
    Request request = post("v1/payment_intents", form, paymentId);
    return toIntent(request, call(request));
  }

  /**
   * Confirms the intent: this is what charges. An intent succeeds at most once whatever the key,
   * so each attempt has a key of its own ({@code confirm-<paymentId>-<attempt>}): Stripe keeps a
   * 500 under its key and would answer every retry with it.
   *
   * @throws PaymentDeclinedException when the payment method is refused or needs authentication
   * @throws GatewayRejectedException when the gateway rejects the request itself (an intent that
   *     is canceled or already succeeded, among others)
   * @throws GatewayRetryableException when the outcome is unknown or the gateway is unavailable:
   *     {@link #retrieve} says what happened
   */
  public GatewayCharge confirm(String paymentId, String intentId, int attempt) {
    Request request = confirmRequest(paymentId, intentId, attempt);
    return charged(request, toIntent(request, call(request)));
  }

  /**
   * Confirms the intent, as {@link #confirm} does, and returns it whatever status it reached
   * ({@code processing} and {@code requires_action} are not errors here); a decline is still
   * thrown.
   */
  public GatewayIntent confirmIntent(String paymentId, String intentId, int attempt) {
    Request request = confirmRequest(paymentId, intentId, attempt);
    try {
      return toIntent(request, call(request));
    } catch (GatewayRejectedException e) {
      // Another confirm of the same intent got there first (an earlier attempt whose worker
      // stopped while the gateway worked on it): the gateway refuses this one for the intent's
      // state, and that state is the answer (succeeded, declined, processing), not a failure.
      if (UNEXPECTED_STATE.equals(e.code())) {
        return retrieve(intentId);
      }
      throw e;
    }
  }

  private Request confirmRequest(String paymentId, String intentId, int attempt) {
    return post("v1/payment_intents/" + intentId + "/confirm", new FormBody.Builder().build(),
        "confirm-" + paymentId + "-" + attempt);
  }

  /** The intent as the gateway has it now: read after write, unlike search. */
  public GatewayIntent retrieve(String intentId) {
    HttpUrl url = baseUrl.newBuilder().addPathSegments("v1/payment_intents").addPathSegment(intentId).build();
    Request request = authorized(url).get().build();
    return toIntent(request, call(request));
  }

  /**
   * Cancels an intent that has not succeeded, so that it can never charge afterwards. Idempotent
   * ({@code cancel-<paymentId>}); an intent already canceled counts as canceled.
   */
  public GatewayIntent cancel(String paymentId, String intentId) {
    Request request = post("v1/payment_intents/" + intentId + "/cancel", new FormBody.Builder().build(),
        "cancel-" + paymentId);
    try {
      return toIntent(request, call(request));
    } catch (GatewayRejectedException e) {
      GatewayIntent current = retrieve(intentId);
      if (current.status().equals("canceled")) {
        return current;
      }
      throw e;
    }
  }

  /** The charge a confirmed intent made, or the exception its status means. */
  private static GatewayCharge charged(Request request, GatewayIntent intent) {
    return switch (intent.status()) {
      case "succeeded" -> intent.toCharge();
      case "requires_payment_method" ->
          throw new PaymentDeclinedException(
              intent.declineCode() == null ? "card_declined" : intent.declineCode(),
              what(request) + ": requires_payment_method" + intent.lastError());
      case "requires_action" ->
          throw new PaymentDeclinedException(
              "authentication_required",
              what(request) + ": requires_action (the customer must authenticate)");
      default ->
          throw new GatewayRetryableException(
              "intent_" + intent.status(), what(request) + ": payment intent is " + intent.status(), null, null);
    };
  }

  /**
   * Refunds a PaymentIntent in full. Idempotent: the key is {@code refund-<paymentId>}, and an
   * intent that is already refunded counts as refunded, so compensation may run any number of
   * times.
   */
  public GatewayRefund refund(String paymentId, String paymentIntentId) {
    FormBody form = new FormBody.Builder().add("payment_intent", paymentIntentId).build();
    Request request = post("v1/refunds", form, "refund-" + paymentId);
    try {
      JsonNode refund = call(request);
      return new GatewayRefund(
          required(request, refund, "id"), required(request, refund, "status"));
    } catch (GatewayRejectedException e) {
      if (ALREADY_REFUNDED.equals(e.code())) {
        return new GatewayRefund(null, "succeeded");
      }
      throw e;
    }
  }

  /** The refund as the gateway has it now: {@code pending} refunds become final later. */
  public GatewayRefund retrieveRefund(String refundId) {
    HttpUrl url = baseUrl.newBuilder().addPathSegments("v1/refunds").addPathSegment(refundId).build();
    Request request = authorized(url).get().build();
    JsonNode refund = call(request);
    return new GatewayRefund(required(request, refund, "id"), required(request, refund, "status"));
  }

  /**
   * The succeeded PaymentIntent created for this payment, if any: how compensation learns whether a
   * charge whose answer was lost moved money. The gateway's search index may lag a new intent by up
   * to a minute, so an empty answer right after a charge is not proof that nothing was charged.
   */
  public Optional<GatewayCharge> findByPaymentId(String paymentId) {
    // The search language quotes with ' and escapes with \, so both are escaped in the value.
    String quoted = paymentId.replace("\\", "\\\\").replace("'", "\\'");
    HttpUrl url =
        baseUrl
            .newBuilder()
            .addPathSegments("v1/payment_intents/search")
            .addQueryParameter("query", "metadata['payment_id']:'" + quoted + "'")
            .build();
    Request request = authorized(url).get().build();
    JsonNode data = call(request).path("data");
    if (!data.isArray()) {
      throw malformed(request, "a search result without a data list");
    }
    for (JsonNode intent : data) {
      // Checked again here: a gateway that ignored the query must not make us refund another
      // payment.
      boolean ours = paymentId.equals(intent.path("metadata").path("payment_id").asText());
      if (ours && "succeeded".equals(intent.path("status").asText())) {
        return Optional.of(toCharge(request, intent));
      }
    }
    return Optional.empty();
  }

  private Request post(String path, FormBody form, String idempotencyKey) {
    HttpUrl url = baseUrl.newBuilder().addPathSegments(path).build();
    return authorized(url).header("Idempotency-Key", idempotencyKey).post(form).build();
  }

  private Request.Builder authorized(HttpUrl url) {
    return new Request.Builder().url(url)
        .header("Authorization", "Bearer " + secretKey)
        .header("Stripe-Version", STRIPE_VERSION);
  }

  /** Sends the request and returns the JSON object of a 2xx answer; anything else is thrown. */
  private JsonNode call(Request request) {
    try (Response response = http.newCall(request).execute()) {
      // A gateway may echo the key in an error ("Invalid API key: sk_…"); nothing read keeps it.
      String body = response.body().string().replace(secretKey, "[redacted]");
      if (response.code() == 401 || response.code() == 403) {
        keyHealth.refused();
      } else if (response.isSuccessful()) {
        keyHealth.accepted();
      }
      if (!response.isSuccessful()) {
        throw GatewayError.fromBody(json, body)
            .toException(
                what(request),
                response.code(),
                RetryAfter.parse(response.header("Retry-After"), Instant.now()));
      }
      return jsonObject(request, body);
    } catch (IOException e) {
      // The request may or may not have reached the gateway; the idempotency key makes a retry
      // safe.
      String code = e instanceof InterruptedIOException ? "timeout" : "io_error";
      throw new GatewayRetryableException(
          code, what(request) + ": no answer from the gateway (" + e + ")", null, e);
    }
  }

  private JsonNode jsonObject(Request request, String body) {
    try {
      JsonNode node = json.readTree(body);
      if (node != null && node.isObject()) {
        return node;
      }
    } catch (JsonProcessingException e) {
      throw new GatewayRetryableException(
          "malformed_response", what(request) + ": HTTP 2xx with a body that is not JSON", null, e);
    }
    throw malformed(request, "a body that is not a JSON object");
  }

  private GatewayCharge toCharge(Request request, JsonNode intent) {
    return toIntent(request, intent).toCharge();
  }

  private GatewayIntent toIntent(Request request, JsonNode intent) {
    if (!intent.path("amount").canConvertToExactIntegral()) {
      throw malformed(request, "a payment intent without an integer amount");
    }
    GatewayError error = GatewayError.from(intent.path("last_payment_error"));
    return new GatewayIntent(
        required(request, intent, "id"),
        required(request, intent, "status"),
        intent.path("amount").longValue(),
        required(request, intent, "currency"),
        error.declineCodeOr(null),
        intent.path("last_payment_error").isObject() ? error.describe() : "");
  }

  private String required(Request request, JsonNode node, String field) {
    JsonNode value = node.path(field);
    if (!value.isTextual() || value.asText().isBlank()) {
      throw malformed(request, "no " + field + " in the body");
    }
    return value.asText();
  }

  private static GatewayRetryableException malformed(Request request, String problem) {
    return new GatewayRetryableException(
        "malformed_response", what(request) + ": HTTP 2xx with " + problem, null, null);
  }

  /** The request as messages name it: method and path, never headers, query or body. */
  private static String what(Request request) {
    return request.method() + " " + request.url().encodedPath();
  }

  /** Whether the gateway accepts the key: for the worker's health check and metrics. */
  public GatewayKeyHealth keyHealth() {
    return keyHealth;
  }

  @Override
  public String toString() {
    return "GatewayClient{baseUrl=" + baseUrl + "}";
  }

  /** Releases the connection pool and the dispatcher's threads (when the worker stops). */
  @Override
  public void close() {
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }
}
