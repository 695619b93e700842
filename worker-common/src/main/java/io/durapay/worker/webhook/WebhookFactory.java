package io.durapay.worker.webhook;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MinDuration;
import jakarta.validation.constraints.NotNull;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import okhttp3.OkHttpClient;
import org.jdbi.v3.core.Jdbi;

/**
 * How long one webhook attempt may take, which internal addresses may receive webhooks, and how
 * webhooks are tried again after the workflow's attempts (the retry schedule).
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

  /** How often the workers look for webhooks due to be sent again. */
  @NotNull
  @MinDuration(value = 100, unit = TimeUnit.MILLISECONDS)
  private Duration redeliveryInterval = Duration.seconds(2);

  /**
   * The waits between a webhook's tries once the payment's workflow has stopped trying it (and
   * between the tries of an operator's re-delivery); empty: none, the workflow's last failed
   * attempt ends it. The first must be longer than the workflow's webhook activity can take (v2:
   * 10 min), so that the schedule begins where the workflow ends.
   */
  @NotNull
  private List<@NotNull @MinDuration(value = 1, unit = TimeUnit.SECONDS) Duration> retrySchedule =
      WebhookRetrySchedule.STANDARD.stream().map(wait -> Duration.seconds(wait.toSeconds())).toList();

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
  public List<Duration> getRetrySchedule() {
    return retrySchedule;
  }

  @JsonProperty
  public void setRetrySchedule(List<Duration> retrySchedule) {
    this.retrySchedule = retrySchedule;
  }

  public WebhookRetrySchedule schedule() {
    return new WebhookRetrySchedule(
        retrySchedule.stream().map(Duration::toJavaDuration).toList(), RandomGenerator.getDefault());
  }

  /** The webhook activity, handing what it cannot deliver to the retry schedule. */
  public WebhookActivitiesImpl activities(Jdbi jdbi, WebhookSender sender, ObjectMapper mapper) {
    return new WebhookActivitiesImpl(jdbi, sender, mapper, schedule(), Clock.systemUTC());
  }

  /** The sweep that sends again what operators and the retry schedule ask for, through {@code webhooks}. */
  public WebhookRedeliveries redeliveries(Jdbi jdbi, WebhookActivitiesImpl webhooks) {
    return new WebhookRedeliveries(jdbi, webhooks, schedule(), callTimeout.toJavaDuration().plusSeconds(30),
        Clock.systemUTC());
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
