package io.durapay.api.outbox;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import io.durapay.api.aws.AwsClientFactory;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import software.amazon.awssdk.services.sns.SnsClient;

/** Where payment events are published, and the client that publishes them (see {@link AwsClientFactory}). */
public class SnsFactory extends AwsClientFactory {
  /**
   * Checked at start-up: SNS answers every call to a malformed ARN with {@code InvalidParameter},
   * which would look like a refusal of each event in turn.
   */
  @NotBlank
  @jakarta.validation.constraints.Pattern(
      regexp = "arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}(\\.fifo)?",
      message = "must be an SNS topic ARN, arn:aws:sns:<region>:<12-digit account>:<topic name>")
  private String topicArn = "arn:aws:sns:us-east-1:000000000000:payment-events";

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
   * its own backoff.
   */
  public SnsEventPublisher build() {
    SnsClient client = configure(SnsClient.builder(), connectTimeout.toJavaDuration(),
        requestTimeout.toJavaDuration()).build();
    return new SnsEventPublisher(client, getTopicArn());
  }
}
