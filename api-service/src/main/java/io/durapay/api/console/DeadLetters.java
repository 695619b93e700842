package io.durapay.api.console;

import java.util.List;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The bridge's dead-letter queue: how many messages wait in it, and moving them back to the queue
 * they came from, body and attributes unchanged, for the bridge to try again once what failed them
 * (Temporal unreachable, say) is fixed. A message is deleted from the dead-letter queue only after
 * it was sent, so a crash midway duplicates rather than loses; the bridge starts one workflow per
 * payment however often a message arrives, so a redrive is safe to repeat.
 *
 * <p>On AWS the same is {@code aws sqs start-message-move-task --source-arn DLQ_ARN}.
 */
public final class DeadLetters {
  /** A redrive stops after this many, so that one click cannot run without end. */
  static final int MAX_PER_REDRIVE = 10_000;
  private final SqsClient sqs;
  private final String queueUrl;
  private final String deadLetterUrl;

  public DeadLetters(SqsClient sqs, String queueUrl, String deadLetterUrl) {
    this.sqs = sqs;
    this.queueUrl = queueUrl;
    this.deadLetterUrl = deadLetterUrl;
  }

  /** Messages in the dead-letter queue (SQS's approximate count of the visible ones). */
  public long depth() {
    return Long.parseLong(sqs.getQueueAttributes(r -> r.queueUrl(deadLetterUrl)
            .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
        .attributes().getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "0"));
  }

  /** Moves every message visible in the dead-letter queue back to the queue; returns how many. */
  public int redrive() {
    int moved = 0;
    while (moved < MAX_PER_REDRIVE) {
      List<Message> batch = sqs.receiveMessage(r -> r.queueUrl(deadLetterUrl)
              .maxNumberOfMessages(10)
              .waitTimeSeconds(0)
              .messageAttributeNames("All")
              .messageSystemAttributeNames(MessageSystemAttributeName.ALL))
          .messages();
      if (batch.isEmpty()) {
        return moved;
      }
      for (Message message : batch) {
        sqs.sendMessage(r -> r.queueUrl(queueUrl)
            .messageBody(message.body())
            .messageAttributes(message.messageAttributes()));
        sqs.deleteMessage(r -> r.queueUrl(deadLetterUrl).receiptHandle(message.receiptHandle()));
        moved++;
      }
    }
    return moved;
  }
}
