package io.durapay.api.outbox;

import io.durapay.store.OutboxEvent;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;

/**
 * Publishes each outbox event to an SNS topic: the envelope JSON as the message, its type and
 * correlation id as message attributes. One Publish call per event; retrying is the relay's job.
 */
public final class SnsEventPublisher implements EventPublisher, AutoCloseable {

  /**
   * SNS's answers that are about the message itself (too large, bad attributes): the same
   * message will be refused again. Outages, throttling and configuration errors (a missing
   * topic, denied access, KMS) are not listed: they pass, and the event must wait for them.
   */
  private static final Set<String> REFUSALS =
      Set.of(
          "InvalidParameter",
          "InvalidParameterValue",
          "ParameterValueInvalid",
          "ValidationError",
          "ValidationException");

  private final SnsClient sns;
  private final String topicArn;

  /** Takes ownership of {@code sns}: {@link #close()} closes it. */
  public SnsEventPublisher(SnsClient sns, String topicArn) {
    this.sns = sns;
    this.topicArn = topicArn;
  }

  @Override
  public void publish(OutboxEvent event) throws PublishException {
    Map<String, MessageAttributeValue> attributes = new HashMap<>();
    attributes.put("eventType", string(event.eventType()));
    if (event.correlationId() != null) {
      attributes.put("correlationId", string(event.correlationId()));
    }
    try {
      sns.publish(
          request ->
              request.topicArn(topicArn).message(event.payload()).messageAttributes(attributes));
    } catch (AwsServiceException e) {
      String message =
          "SNS Publish to " + topicArn + " failed: HTTP " + e.statusCode() + " " + describe(e);
      throw isRefusal(e) ? PublishException.refused(message, e) : new PublishException(message, e);
    } catch (SdkException e) {
      throw new PublishException("SNS Publish to " + topicArn + " failed: " + e.getMessage(), e);
    }
  }

  private static boolean isRefusal(AwsServiceException e) {
    return e.statusCode() == 400
        && e.awsErrorDetails() != null
        && REFUSALS.contains(e.awsErrorDetails().errorCode());
  }

  @Override
  public void close() {
    sns.close();
  }

  private static MessageAttributeValue string(String value) {
    return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
  }

  // Built from the error's fields, not the request, so neither the message body nor the
  // credentials can end up in the outbox's last_error column or the logs.
  private static String describe(AwsServiceException e) {
    AwsErrorDetails details = e.awsErrorDetails();
    if (details == null) {
      return "(no AWS error details, request id " + e.requestId() + ")";
    }
    return details.errorCode()
        + ": "
        + details.errorMessage()
        + " (request id "
        + e.requestId()
        + ")";
  }
}
