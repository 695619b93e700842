package io.durapay.devstack.sqs;

import java.util.List;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * Moves dead letters back to the queue they came from, body and attributes unchanged, for the
 * bridge to try again once what failed them (Temporal unreachable, say) is fixed. A message is
 * deleted from the dead-letter queue only after it was sent, so a crash midway duplicates rather
 * than loses; the bridge starts one workflow per payment however often a message arrives.
 *
 * <p>On AWS the same is {@code aws sqs start-message-move-task --source-arn DLQ_ARN}.
 */
public final class DeadLetterRedrive {
  private final SqsClient sqs;

  public DeadLetterRedrive(SqsClient sqs) {
    this.sqs = sqs;
  }

  /** Moves every message visible in {@code deadLetterUrl} to {@code queueUrl}; returns how many. */
  public int redrive(String deadLetterUrl, String queueUrl) {
    int moved = 0;
    while (true) {
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
  }
}
