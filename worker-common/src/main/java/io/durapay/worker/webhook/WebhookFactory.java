package io.durapay.worker.webhook;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MinDuration;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.jdbi.v3.core.Jdbi;

/**
 * How long one webhook attempt may take, which internal addresses may receive webhooks, and how
 * operators' re-deliveries are swept and retried.
 */
public class WebhookFactory {

  // OkHttp reads a zero timeout as "none", which would let a silent endpoint hold a worker forever.

  /** Time to establish the TCP (and TLS) connection. */
  @NotNull
  @MinDuration(value = 1, unit = TimeUnit.MILLISECONDS)
  private Duration connectTimeout = Duration.seconds(2);

  /** Longest silence while waiting for the response. */
  @NotNull
  @MinDuration(value = 1, unit = TimeUnit.MILLISECONDS)
  private Duration readTimeout = Duration.seconds(5);

  /** The whole attempt, from DNS to the response, whatever the endpoint does. */
  @NotNull
  @MinDuration(value = 1, unit = TimeUnit.MILLISECONDS)
  private Duration callTimeout = Duration.seconds(10);

  /** How often the workers look for webhooks an operator asked to re-deliver. */
  @NotNull
  @MinDuration(value = 100, unit = TimeUnit.MILLISECONDS)
  private Duration redeliveryInterval = Duration.seconds(2);

  /** How many times a re-delivery is tried before it ends undeliverable. */
  @Min(1)
  private int redeliveryTries = 5;

  /** The longest wait between two tries of a re-delivery (a longer Retry-After is cut to it). */
  @NotNull
  @MinDuration(value = 1, unit = TimeUnit.SECONDS)
  private Duration redeliveryMaxBackoff = Duration.minutes(10);

  /** Allow loopback destinations; for local development only. */
  private boolean allowLoopback;

  /** Allow private and carrier-grade NAT destinations, for receivers inside our own network. */
  private boolean allowPrivate;

  @JsonProperty
  public Duration getConnectTimeout() {
    return connectTimeout;
  }

  @JsonProperty
  public void setConnectTimeout(Duration connectTimeout) {
    this.connectTimeout = connectTimeout;
  }

  @JsonProperty
  public Duration getReadTimeout() {
    return readTimeout;
  }

  @JsonProperty
  public void setReadTimeout(Duration readTimeout) {
    this.readTimeout = readTimeout;
  }

  @JsonProperty
  public Duration getCallTimeout() {
    return callTimeout;
  }

  @JsonProperty
  public void setCallTimeout(Duration callTimeout) {
    this.callTimeout = callTimeout;
  }

  @JsonProperty
  public boolean isAllowLoopback() {
    return allowLoopback;
  }

  @JsonProperty
  public void setAllowLoopback(boolean allowLoopback) {
    this.allowLoopback = allowLoopback;
  }

  @JsonProperty
  public boolean isAllowPrivate() {
    return allowPrivate;
  }

  @JsonProperty
  public void setAllowPrivate(boolean allowPrivate) {
    this.allowPrivate = allowPrivate;
  }

  @JsonProperty
  public Duration getRedeliveryInterval() {
    return redeliveryInterval;
  }

  @JsonProperty
  public void setRedeliveryInterval(Duration redeliveryInterval) {
    this.redeliveryInterval = redeliveryInterval;
  }

  @JsonProperty
  public int getRedeliveryTries() {
    return redeliveryTries;
  }

  @JsonProperty
  public void setRedeliveryTries(int redeliveryTries) {
    this.redeliveryTries = redeliveryTries;
  }

  @JsonProperty
  public Duration getRedeliveryMaxBackoff() {
    return redeliveryMaxBackoff;
  }

  @JsonProperty
  public void setRedeliveryMaxBackoff(Duration redeliveryMaxBackoff) {
    this.redeliveryMaxBackoff = redeliveryMaxBackoff;
  }

  /** The sweep that carries out operators' re-deliveries through {@code webhooks}. */
  public WebhookRedeliveries redeliveries(Jdbi jdbi, WebhookActivitiesImpl webhooks) {
    return new WebhookRedeliveries(jdbi, webhooks, redeliveryTries, redeliveryMaxBackoff.toJavaDuration(),
        callTimeout.toJavaDuration().plusSeconds(30));
  }

  /** Builds a sender; it adds the guard as Dns, no proxy, no redirects and no OkHttp retries. */
  public WebhookSender build() {
    OkHttpClient client =
        new OkHttpClient.Builder()
            .connectTimeout(connectTimeout.toJavaDuration())
            .readTimeout(readTimeout.toJavaDuration())
            .callTimeout(callTimeout.toJavaDuration())
            .build();
    return new WebhookSender(
        client, new WebhookDestinationGuard(allowLoopback, allowPrivate), Clock.systemUTC());
  }
}
