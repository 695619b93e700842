package io.durapay.worker.webhook;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.durapay.worker.webhook.WebhookAttempt.Outcome;
import java.io.IOException;
import java.net.Proxy;
import java.time.Clock;
import java.util.List;
import java.util.stream.Collectors;
import io.durapay.worker.http.RetryAfter;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * Makes one signed delivery attempt of a webhook and says what came of it. Retrying, backoff and
 * recording attempts belong to the caller. Thread-safe.
 */
public final class WebhookSender implements AutoCloseable {

  private static final MediaType JSON = MediaType.get("application/json");
  private static final String USER_AGENT = "durapay-webhooks/1";

  private final OkHttpClient client;
  private final WebhookDestinationGuard guard;
  private final Clock clock;

  /**
   * Whatever {@code client} is given, the sender resolves names through {@code guard}, connects
   * directly (a proxy would resolve the destination out of the guard's sight), follows no redirects
   * (a redirect could point anywhere) and does not retry on its own (the caller does).
   */
  public WebhookSender(OkHttpClient client, WebhookDestinationGuard guard, Clock clock) {
    this.client =
        client
            .newBuilder()
            .dns(guard)
            .proxy(Proxy.NO_PROXY)
            .followRedirects(false)
            .followSslRedirects(false)
            .retryOnConnectionFailure(false)
            .build();
    this.guard = guard;
    this.clock = clock;
  }

  /**
   * POSTs {@code body} to {@code url}, signed with the merchant's {@code secret}; {@code eventId}
   * is the {@code webhook-id}, the same on every attempt, for the merchant to deduplicate on.
   *
   * @throws IllegalArgumentException if {@code secret} is malformed: a bug, not an outcome
   */
  public WebhookAttempt send(String url, String secret, String eventId, String body) {
    return send(url, List.of(secret), eventId, body);
  }

  /**
   * The same, signed with each of {@code secrets}: during a secret rotation the new and the old,
   * so a merchant's verifier holding either accepts it. {@code webhook-signature} carries one
   * {@code v1,} signature per secret, separated by spaces, as Standard Webhooks specifies.
   */
  public WebhookAttempt send(String url, List<String> secrets, String eventId, String body) {
    long timestamp = clock.instant().getEpochSecond();
    String signature = secrets.stream()
        .map(secret -> WebhookSigner.sign(secret, eventId, timestamp, body))
        .collect(Collectors.joining(" "));
    try {
      // IP literals never reach the guard as Dns (OkHttp does not look them up), so check first.
      guard.check(url);
    } catch (WebhookDestinationRefusedException e) {
      return new WebhookAttempt(Outcome.REFUSED, null, e.getMessage(), null);
    }
    Request request =
        new Request.Builder()
            .url(HttpUrl.get(url))
            .header("webhook-id", eventId)
            .header("webhook-timestamp", Long.toString(timestamp))
            .header("webhook-signature", signature)
            .header("User-Agent", USER_AGENT)
            // Bytes rather than a String, so OkHttp does not append "; charset=utf-8".
            .post(RequestBody.create(body.getBytes(UTF_8), JSON))
            .build();
    // The response body is never read: closing the response lets OkHttp discard what is left
    // within a short timeout, so an endless or huge body from the endpoint costs us nothing.
    try (Response response = client.newCall(request).execute()) {
      return outcomeOf(response);
    } catch (IOException e) {
      WebhookDestinationRefusedException refused = refusalIn(e);
      if (refused != null) {
        return new WebhookAttempt(Outcome.REFUSED, null, refused.getMessage(), null);
      }
      return new WebhookAttempt(
          Outcome.RETRYABLE, null, e.getClass().getSimpleName() + ": " + e.getMessage(), null);
    }
  }

  private WebhookAttempt outcomeOf(Response response) {
    int status = response.code();
    if (status >= 200 && status < 300) {
      return new WebhookAttempt(Outcome.DELIVERED, status, null, null);
    }
    if (status == 410) {
      return new WebhookAttempt(Outcome.GONE, status, "HTTP 410: the endpoint is gone", null);
    }
    if (status == 408 || status == 429 || (status >= 500 && status < 600)) {
      return new WebhookAttempt(
          Outcome.RETRYABLE, status, "HTTP " + status, RetryAfter.parse(response.header("Retry-After"), clock.instant()));
    }
    if (status >= 300 && status < 400) {
      return new WebhookAttempt(
          Outcome.REJECTED, status, "HTTP " + status + ": redirects are not followed", null);
    }
    return new WebhookAttempt(Outcome.REJECTED, status, "HTTP " + status, null);
  }

  // The guard refuses at connect time through Dns, which can only throw UnknownHostException;
  // the refusal is its cause.
  private static WebhookDestinationRefusedException refusalIn(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof WebhookDestinationRefusedException refused) {
        return refused;
      }
    }
    return null;
  }

  /** Releases the connection pool and the dispatcher's threads (when the worker stops). */
  @Override
  public void close() {
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
  }
}
