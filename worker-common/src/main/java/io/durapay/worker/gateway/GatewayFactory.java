package io.durapay.worker.gateway;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonProperty.Access;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MinDuration;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;

/** Where the payment gateway is, the key to it, and how long a call may take. */
public class GatewayFactory {

  /** The gateway's API root, for example {@code https://api.stripe.com}. */
  @NotBlank
  @Pattern(regexp = "https?://\\S+", message = "must be an http or https URL")
  private String baseUrl;

  /** The gateway's secret API key. Write-only: it is never serialised, logged or printed. */
  @NotBlank private String secretKey;

  // Each timeout must be positive: OkHttp reads zero as "wait forever".
  @NotNull
  @MinDuration(value = 1, unit = TimeUnit.MILLISECONDS)
  private Duration connectTimeout = Duration.seconds(2);

  /** The longest silence while sending the request or reading the answer. */
  @NotNull
  @MinDuration(value = 1, unit = TimeUnit.MILLISECONDS)
  private Duration readTimeout = Duration.seconds(10);

  /** The whole call, connect to last byte; keep it below the activity's start-to-close timeout. */
  @NotNull
  @MinDuration(value = 1, unit = TimeUnit.MILLISECONDS)
  private Duration callTimeout = Duration.seconds(15);

  @JsonProperty
  public String getBaseUrl() {
    return baseUrl;
  }

  @JsonProperty
  public void setBaseUrl(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  @JsonProperty(access = Access.WRITE_ONLY)
  public String getSecretKey() {
    return secretKey;
  }

  @JsonProperty(access = Access.WRITE_ONLY)
  public void setSecretKey(String secretKey) {
    this.secretKey = secretKey;
  }

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

  public GatewayClient build() {
    OkHttpClient http =
        new OkHttpClient.Builder()
            .connectTimeout(connectTimeout.toJavaDuration())
            .readTimeout(readTimeout.toJavaDuration())
            .writeTimeout(readTimeout.toJavaDuration())
            .callTimeout(callTimeout.toJavaDuration())
            // The gateway API never redirects; following one would send the charge somewhere else.
            .followRedirects(false)
            .build();
    return new GatewayClient(http, baseUrl, secretKey);
  }

  @Override
  public String toString() {
    return "GatewayFactory{baseUrl="
        + baseUrl
        + ", secretKey="
        + (secretKey == null || secretKey.isBlank() ? "<unset>" : "<hidden>")
        + ", connectTimeout="
        + connectTimeout
        + ", readTimeout="
        + readTimeout
        + ", callTimeout="
        + callTimeout
        + "}";
  }
}
