package io.durapay.api.outbox;

import io.durapay.store.OutboxEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sns.model.PublishBatchRequestEntry;
import software.amazon.awssdk.services.sns.model.PublishBatchResponse;
import software.amazon.awssdk.services.sns.model.PublishBatchResultEntry;

/**
 * Publishes outbox events to an SNS topic: the envelope JSON as the message, its type and
 * correlation id as message attributes. Several events go in PublishBatch calls of up to ten (one
 * call instead of ten round trips); a single event in a Publish call. Retrying is the relay's job.
 *
 * <p>Long because SNS can refuse one message, one entry of a batch or a whole batch, and each
 * answer must be told apart from an outage; batching, matching the answer entry by entry and the
 * fallback to one at a time stay in one class because they share the refusal lists and the error
 * description that keeps message bodies and credentials out of the outbox.
 */
public final class SnsEventPublisher implements EventPublisher, AutoCloseable {

  /** SNS's limits for one PublishBatch call: entries, and bytes of messages plus attributes. */
  static final int MAX_BATCH_ENTRIES = 10;

  static final int MAX_BATCH_BYTES = 256 * 1024;

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

  /**
   * SNS's answers that refuse a PublishBatch call as a whole because of its shape. The events are
   * then published one at a time, as for a whole batch refused with one of {@link #REFUSALS}.
   */
  private static final Set<String> BATCH_REFUSALS =
      Set.of(
          "BatchRequestTooLong",
          "TooManyEntriesInBatchRequest",
          "BatchEntryIdsNotDistinct",
          "InvalidBatchEntryId",
          "EmptyBatchRequest");

  private final SnsClient sns;
  private final String topicArn;

  /** Takes ownership of {@code sns}: {@link #close()} closes it. */
  public SnsEventPublisher(SnsClient sns, String topicArn) {
    this.sns = sns;
    this.topicArn = topicArn;
  }

  @Override
  public void publish(OutboxEvent event) throws PublishException {
    try {
      sns.publish(
          request ->
              request
                  .topicArn(topicArn)
                  .message(event.payload())
                  .messageAttributes(attributes(event)));
    } catch (AwsServiceException e) {
      String message = failure("Publish", e);
      throw isRefusal(e) ? PublishException.refused(message, e) : new PublishException(message, e);
    } catch (SdkException e) {
      throw new PublishException("SNS Publish to " + topicArn + " failed: " + e.getMessage(), e);
    }
  }

  /**
   * Publishes in batches within SNS's limits, one call per batch, and stops after a batch in
   * which anything failed for a reason other than a refusal of that event: the next batch would
   * most likely meet the same outage.
   */
  @Override
  public List<PublishOutcome> publishAll(List<OutboxEvent> events) {
    List<PublishOutcome> outcomes = new ArrayList<>(events.size());
    for (List<OutboxEvent> batch : batches(events)) {
      List<PublishOutcome> batchOutcomes =
          batch.size() == 1 ? List.of(PublishOutcome.of(batch.get(0), () -> publish(batch.get(0))))
              : publishBatch(batch);
      outcomes.addAll(batchOutcomes);
      if (batchOutcomes.stream().anyMatch(o -> !o.published() && !o.refused())) {
        break;
      }
    }
    return outcomes;
  }

  /** Splits {@code events} in order into runs within SNS's entry and size limits. */
  static List<List<OutboxEvent>> batches(List<OutboxEvent> events) {
    List<List<OutboxEvent>> batches = new ArrayList<>();
    List<OutboxEvent> current = new ArrayList<>();
    long currentBytes = 0;
    for (OutboxEvent event : events) {
      long bytes = size(event);
      if (!current.isEmpty()
          && (current.size() == MAX_BATCH_ENTRIES || currentBytes + bytes > MAX_BATCH_BYTES)) {
        batches.add(current);
        current = new ArrayList<>();
        currentBytes = 0;
      }
      current.add(event);
      currentBytes += bytes;
    }
    if (!current.isEmpty()) {
      batches.add(current);
    }
    return batches;
  }

  /** What SNS counts toward the size of a message: its body, and each attribute's name, type, value. */
  static long size(OutboxEvent event) {
    long bytes = utf8Length(event.payload());
    for (Map.Entry<String, MessageAttributeValue> attribute : attributes(event).entrySet()) {
      bytes += utf8Length(attribute.getKey())
          + utf8Length(attribute.getValue().dataType())
          + utf8Length(attribute.getValue().stringValue());
    }
    return bytes;
  }

  private List<PublishOutcome> publishBatch(List<OutboxEvent> batch) {
    List<PublishBatchRequestEntry> entries = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      OutboxEvent event = batch.get(i);
      entries.add(
          PublishBatchRequestEntry.builder()
              .id(Integer.toString(i))
              .message(event.payload())
              .messageAttributes(attributes(event))
              .build());
    }
    PublishBatchResponse response;
    try {
      response = sns.publishBatch(request -> request.topicArn(topicArn).publishBatchRequestEntries(entries));
    } catch (AwsServiceException e) {
      if (isRefusal(e) || isBatchRefusal(e)) {
        // Something in the batch is refused, and SNS did not say which entry: one at a time, only
        // the event at fault is refused.
        return publishOneByOne(batch);
      }
      PublishException failure = new PublishException(failure("PublishBatch", e), e);
      return batch.stream().map(event -> PublishOutcome.failed(event, failure)).toList();
    } catch (SdkException e) {
      PublishException failure =
          new PublishException("SNS PublishBatch to " + topicArn + " failed: " + e.getMessage(), e);
      return batch.stream().map(event -> PublishOutcome.failed(event, failure)).toList();
    }
    return outcomes(batch, response);
  }

  private List<PublishOutcome> publishOneByOne(List<OutboxEvent> batch) {
    List<PublishOutcome> outcomes = new ArrayList<>(batch.size());
    for (OutboxEvent event : batch) {
      PublishOutcome outcome = PublishOutcome.of(event, () -> publish(event));
      outcomes.add(outcome);
      if (!outcome.published() && !outcome.refused()) {
        break;
      }
    }
    return outcomes;
  }

  /**
   * Matches SNS's answer to the batch entry by entry. An entry SNS mentions neither as successful
   * nor as failed was not accepted: it is reported as failed, so the relay keeps the event and
   * tries it again.
   */
  private List<PublishOutcome> outcomes(List<OutboxEvent> batch, PublishBatchResponse response) {
    Set<String> successful = new HashSet<>();
    for (PublishBatchResultEntry entry : response.successful()) {
      successful.add(entry.id());
    }
    Map<String, BatchResultErrorEntry> failed = new HashMap<>();
    for (BatchResultErrorEntry entry : response.failed()) {
      failed.put(entry.id(), entry);
    }
    List<PublishOutcome> outcomes = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      String id = Integer.toString(i);
      OutboxEvent event = batch.get(i);
      BatchResultErrorEntry error = failed.get(id);
      if (error != null) {
        String message =
            "SNS PublishBatch to " + topicArn + ": entry not accepted: " + error.code() + ": "
                + error.message() + " (request id " + response.responseMetadata().requestId() + ")";
        outcomes.add(PublishOutcome.failed(event, REFUSALS.contains(error.code())
            ? PublishException.refused(message, null) : new PublishException(message)));
      } else if (successful.contains(id)) {
        outcomes.add(PublishOutcome.published(event));
      } else {
        outcomes.add(PublishOutcome.failed(event, new PublishException(
            "SNS PublishBatch to " + topicArn + ": no result for the entry (request id "
                + response.responseMetadata().requestId() + ")")));
      }
    }
    return outcomes;
  }

  private static boolean isBatchRefusal(AwsServiceException e) {
    return e.statusCode() == 400
        && e.awsErrorDetails() != null
        && BATCH_REFUSALS.contains(e.awsErrorDetails().errorCode());
  }

  private static boolean isRefusal(AwsServiceException e) {
    return e.statusCode() == 400
        && e.awsErrorDetails() != null
        && REFUSALS.contains(e.awsErrorDetails().errorCode())
        && !aboutTheTopic(e);
  }

  /**
   * An invalid parameter that is the topic ("Invalid parameter: TopicArn"): the whole call is
   * refused for our configuration, not for the event, and every event would be refused alike. It
   * is an outage to fix, never a reason to park an event.
   */
  private static boolean aboutTheTopic(AwsServiceException e) {
    String message = e.awsErrorDetails().errorMessage();
    return message != null && message.contains("TopicArn");
  }

  @Override
  public void close() {
    sns.close();
  }

  private static Map<String, MessageAttributeValue> attributes(OutboxEvent event) {
    Map<String, MessageAttributeValue> attributes = new HashMap<>();
    attributes.put("eventType", string(event.eventType()));
    if (event.correlationId() != null) {
      attributes.put("correlationId", string(event.correlationId()));
    }
    return attributes;
  }

  private static MessageAttributeValue string(String value) {
    return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
  }

  private static long utf8Length(String text) {
    return text == null ? 0 : text.getBytes(StandardCharsets.UTF_8).length;
  }

  private String failure(String action, AwsServiceException e) {
    return "SNS " + action + " to " + topicArn + " failed: HTTP " + e.statusCode() + " " + describe(e);
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
