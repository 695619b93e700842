package io.durapay.api.aws;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.NotBlank;
import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.DefaultRetryStrategy;

/**
 * The settings every AWS client of the API is built from: its region, an endpoint for a local
 * emulator (unset in AWS: the SDK's regional one), and a static access key (unset in AWS: the SDK's
 * default credentials chain). Blank counts as unset, so that {@code endpoint: ""} or an all-space
 * environment variable means "not configured" rather than a broken URL or an empty key.
 */
public abstract class AwsClientFactory {
  @NotBlank private String region = "us-east-1";

  /** Override for local emulators, for example {@code http://127.0.0.1:9911}. */
  private String endpoint;

  private String accessKeyId;

  private String secretAccessKey;

  /**
   * The builder with these settings, making exactly one attempt per call (whoever calls does its
   * own backing off: SDK retries on top would multiply the requests during an outage), under the
   * given connect and request timeouts.
   */
  protected <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B configure(
      B builder, Duration connectTimeout, Duration requestTimeout) {
    builder
        .region(Region.of(region))
        .credentialsProvider(credentials())
        // A builder rather than a client instance, so that closing the client closes it too.
        .httpClientBuilder(UrlConnectionHttpClient.builder()
            .connectionTimeout(connectTimeout)
            .socketTimeout(requestTimeout))
        .overrideConfiguration(config -> config
            .retryStrategy(DefaultRetryStrategy.doNotRetry())
            .apiCallTimeout(requestTimeout));
    if (isSet(endpoint)) {
      builder.endpointOverride(URI.create(endpoint));
    }
    return builder;
  }

  private AwsCredentialsProvider credentials() {
    if (isSet(accessKeyId) && isSet(secretAccessKey)) {
      return StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKeyId, secretAccessKey));
    }
    return DefaultCredentialsProvider.builder().build();
  }

  protected static boolean isSet(String value) {
    return value != null && !value.isBlank();
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
