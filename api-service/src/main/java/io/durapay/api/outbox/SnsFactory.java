package io.durapay.api.outbox;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.DefaultRetryStrategy;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.SnsClientBuilder;

/**
 * Where payment events are published. With {@code endpoint} unset the SDK's regional endpoint is
 * used; with the access key unset, the SDK's default credentials chain.
 */
public class SnsFactory {

  /**
   * Checked at start-up: SNS answers every call to a malformed ARN with {@code InvalidParameter},
   * which would look like a refusal of each event in turn.
   */
  @NotBlank
  @jakarta.validation.constraints.Pattern(
      regexp = "arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}(\\.fifo)?",
      message = "must be an SNS topic ARN, arn:aws:sns:<region>:<12-digit account>:<topic name>")
  private String topicArn = "arn:aws:sns:us-east-1:000000000000:payment-events";

  @NotBlank private String region = "us-east-1";

  /** Override for local emulators, for example {@code http://127.0.0.1:9911}. */
  private String endpoint;

  private String accessKeyId;

  private String secretAccessKey;

  @NotNull private Duration connectTimeout = Duration.seconds(2);

  @NotNull private Duration requestTimeout = Duration.seconds(5);

  @JsonProperty
  public String getTopicArn() {
    return topicArn;
  }

  @JsonProperty
  public void setTopicArn(String topicArn) {
    this.topicArn = topicArn;
  }

  @JsonProperty
  public String getRegion() {
    return region;
  }

  @JsonProperty
  public void setRegion(String region) {
    this.region = region;
  }

  @JsonProperty
  public String getEndpoint() {
    return endpoint;
  }

  @JsonProperty
  public void setEndpoint(String endpoint) {
    this.endpoint = endpoint;
  }

  @JsonProperty
  public String getAccessKeyId() {
    return accessKeyId;
  }

  @JsonProperty
  public void setAccessKeyId(String accessKeyId) {
    this.accessKeyId = accessKeyId;
  }

  @JsonProperty(access = JsonProperty.Access.WRITE_ONLY)
  public String getSecretAccessKey() {
    return secretAccessKey;
  }

  @JsonProperty
  public void setSecretAccessKey(String secretAccessKey) {
    this.secretAccessKey = secretAccessKey;
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
  public Duration getRequestTimeout() {
    return requestTimeout;
  }

  @JsonProperty
  public void setRequestTimeout(Duration requestTimeout) {
    this.requestTimeout = requestTimeout;
  }

  /**
   * Builds a publisher whose client makes exactly one attempt per event: the outbox relay does
   * its own backoff, and SDK retries on top would multiply the requests during an outage.
   */
  public SnsEventPublisher build() {
    SnsClientBuilder builder =
        SnsClient.builder()
            .region(Region.of(region))
            .credentialsProvider(credentials())
            // A builder rather than a client instance, so that closing SnsClient closes it too.
            .httpClientBuilder(
                UrlConnectionHttpClient.builder()
                    .connectionTimeout(connectTimeout.toJavaDuration())
                    .socketTimeout(requestTimeout.toJavaDuration()))
            .overrideConfiguration(
                config ->
                    config
                        .retryStrategy(DefaultRetryStrategy.doNotRetry())
                        .apiCallTimeout(requestTimeout.toJavaDuration()));
    if (isSet(endpoint)) {
      builder.endpointOverride(URI.create(endpoint));
    }
    return new SnsEventPublisher(builder.build(), topicArn);
  }

  private AwsCredentialsProvider credentials() {
    if (isSet(accessKeyId) && isSet(secretAccessKey)) {
      return StaticCredentialsProvider.create(
          AwsBasicCredentials.create(accessKeyId, secretAccessKey));
    }
    return DefaultCredentialsProvider.builder().build();
  }

  // Blank counts as unset, so that `endpoint: ""` or an all-space environment variable means
  // "not configured" rather than a broken URL or an empty key.
  private static boolean isSet(String value) {
    return value != null && !value.isBlank();
  }
}
