package io.durapay.api.console;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.durapay.api.aws.AwsClientFactory;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The bridge's queue and its dead-letter queue, for the console's health page (depth) and its
 * redrive action. Both URLs unset (the default): the console says where to look instead.
 */
public class DeadLettersFactory extends AwsClientFactory {
  private String queueUrl;
  private String deadLetterQueueUrl;

  /** The dead-letter queue, when both URLs are configured. */
  public Optional<DeadLetters> build() {
    if (!isSet(queueUrl) || !isSet(deadLetterQueueUrl)) {
      return Optional.empty();
    }
    // A health page must not hang on an unreachable queue: short timeouts, no retries.
    SqsClient client = configure(SqsClient.builder(), Duration.ofSeconds(2), Duration.ofSeconds(5)).build();
    return Optional.of(new DeadLetters(client, queueUrl, deadLetterQueueUrl));
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
}
