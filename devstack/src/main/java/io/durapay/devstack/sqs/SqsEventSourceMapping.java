package io.durapay.devstack.sqs;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;

/**
 * What AWS does between an SQS queue and a Lambda function, on loopback: long-poll the queue,
 * invoke the real handler with batches of up to 10, delete the messages that succeeded, and leave
 * the reported failures to become visible again (and, after the queue's maxReceiveCount, to move
 * to its dead-letter queue). A handler that throws fails the whole batch, as on AWS.
 */
public final class SqsEventSourceMapping implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SqsEventSourceMapping.class);

  private final SqsClient sqs;
  private final String queueUrl;
  private final String queueArn;
  private volatile RequestHandler<SQSEvent, SQSBatchResponse> handler;
  private final int batchSize;
  private volatile boolean running;
  private Thread thread;

  public SqsEventSourceMapping(
      SqsClient sqs,
      String queueUrl,
      String queueArn,
      RequestHandler<SQSEvent, SQSBatchResponse> handler,
      int batchSize) {
    this.sqs = sqs;
    this.queueUrl = queueUrl;
    this.queueArn = queueArn;
    this.handler = handler;
    this.batchSize = batchSize;
  }

  /** Invokes this handler from the next batch on (a redeployed function, say). */
  public void useHandler(RequestHandler<SQSEvent, SQSBatchResponse> next) {
    this.handler = next;
  }

  public synchronized void start() {
    running = true;
    thread = new Thread(this::loop, "sqs-event-source-mapping");
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public synchronized void close() throws InterruptedException {
    running = false;
    if (thread != null) {
      thread.join(5_000);
    }
  }

  private void loop() {
    while (running) {
      try {
        pollOnce(1);
      } catch (RuntimeException e) {
        LOG.warn("event source mapping: {}", e.toString());
        pause();
      }
    }
  }

  /** One receive-invoke-delete round. Returns how many messages were received. */
  public int pollOnce(int waitSeconds) {
    ReceiveMessageResponse received =
        sqs.receiveMessage(
            r -> r.queueUrl(queueUrl)
                .maxNumberOfMessages(batchSize)
                .waitTimeSeconds(waitSeconds)
                .messageAttributeNames("All")
                .messageSystemAttributeNames(MessageSystemAttributeName.ALL));
    List<Message> messages = received.messages();
    if (messages.isEmpty()) {
      return 0;
    }
    Set<String> failed;
    try {
      SQSBatchResponse response = handler.handleRequest(toEvent(messages), null);
      failed =
          response.getBatchItemFailures().stream()
              .map(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
              .collect(Collectors.toSet());
    } catch (RuntimeException e) {
      LOG.warn("handler failed the whole batch of {}: {}", messages.size(), e.toString());
      return messages.size();
    }
    List<DeleteMessageBatchRequestEntry> done = new ArrayList<>();
    for (Message message : messages) {
      if (!failed.contains(message.messageId())) {
        done.add(
            DeleteMessageBatchRequestEntry.builder()
                .id(message.messageId())
                .receiptHandle(message.receiptHandle())
                .build());
      }
    }
    if (!done.isEmpty()) {
      sqs.deleteMessageBatch(r -> r.queueUrl(queueUrl).entries(done));
    }
    return messages.size();
  }

  private SQSEvent toEvent(List<Message> messages) {
    List<SQSEvent.SQSMessage> records = new ArrayList<>();
    for (Message message : messages) {
      SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
      record.setMessageId(message.messageId());
      record.setReceiptHandle(message.receiptHandle());
      record.setBody(message.body());
      record.setMd5OfBody(message.md5OfBody());
      record.setEventSource("aws:sqs");
      record.setEventSourceArn(queueArn);
      record.setAwsRegion("us-east-1");
      Map<String, String> attributes = new HashMap<>();
      message.attributes().forEach((name, value) -> attributes.put(name.toString(), value));
      record.setAttributes(attributes);
      Map<String, SQSEvent.MessageAttribute> messageAttributes = new HashMap<>();
      message.messageAttributes().forEach((name, value) -> messageAttributes.put(name, attribute(value)));
      record.setMessageAttributes(messageAttributes);
      records.add(record);
    }
    SQSEvent event = new SQSEvent();
    event.setRecords(records);
    return event;
  }

  private static SQSEvent.MessageAttribute attribute(MessageAttributeValue value) {
    SQSEvent.MessageAttribute attribute = new SQSEvent.MessageAttribute();
    attribute.setDataType(value.dataType());
    attribute.setStringValue(value.stringValue());
    return attribute;
  }

  private static void pause() {
    try {
      Thread.sleep(500);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
