package io.durapay.api.console;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.DefaultRetryStrategy;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.SqsClientBuilder;

/**
 * The bridge's queue and its dead-letter queue, for the console's health page (depth) and its
 * redrive action. Both URLs unset (the default): the console says where to look instead.
 */
public class DeadLettersFactory {
  private String queueUrl;
  private String deadLetterQueueUrl;
  private String region = "us-east-1";
  /** Unset in AWS; a local emulator's URL otherwise. */
  private String endpoint;
  /** Unset in AWS (the default credentials chain is used). */
  private String accessKeyId;
  private String secretAccessKey;

  /** The dead-letter queue, when both URLs are configured. */
  public Optional<DeadLetters> build() {
    if (!isSet(queueUrl) || !isSet(deadLetterQueueUrl)) {
      return Optional.empty();
    }
    // A health page must not hang on an unreachable queue: short timeouts, no retries.
    SqsClientBuilder builder = SqsClient.builder()
        .region(Region.of(region))
        .httpClientBuilder(UrlConnectionHttpClient.builder()
            .connectionTimeout(Duration.ofSeconds(2))
            .socketTimeout(Duration.ofSeconds(5)))
        .overrideConfiguration(config -> config
            .retryStrategy(DefaultRetryStrategy.doNotRetry())
            .apiCallTimeout(Duration.ofSeconds(5)))
        .credentialsProvider(isSet(accessKeyId) && isSet(secretAccessKey)
            ? StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKeyId, secretAccessKey))
            : DefaultCredentialsProvider.builder().build());
    if (isSet(endpoint)) {
      builder.endpointOverride(URI.create(endpoint));
    }
    return Optional.of(new DeadLetters(builder.build(), queueUrl, deadLetterQueueUrl));
  }

  private static boolean isSet(String value) {
    return value != null && !value.isBlank();
  }

  @JsonProperty
  public String getQueueUrl() {
    return queueUrl;
  }

  @JsonProperty
  public void setQueueUrl(String queueUrl) {
    this.queueUrl = queueUrl;
  }

  @JsonProperty
  public String getDeadLetterQueueUrl() {
    return deadLetterQueueUrl;
  }

  @JsonProperty
  public void setDeadLetterQueueUrl(String deadLetterQueueUrl) {
    this.deadLetterQueueUrl = deadLetterQueueUrl;
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

  /** Readable by code, never written out. */
  @JsonProperty(access = JsonProperty.Access.WRITE_ONLY)
  public String getSecretAccessKey() {
    return secretAccessKey;
  }

  @JsonProperty
  public void setSecretAccessKey(String secretAccessKey) {
    this.secretAccessKey = secretAccessKey;
  }
}
