package io.durapay.bridge;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse.BatchItemFailure;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import io.durapay.contracts.PaymentRequest;
import io.durapay.contracts.WorkflowStarter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts one workflow per message of an SQS batch, all at once, and names the messages that
 * failed. A failed message is reported, never thrown: a thrown exception would make SQS redeliver
 * the whole batch, good messages included. Reported messages come back after the visibility
 * timeout and go to the dead-letter queue after the redrive policy's maxReceiveCount.
 */
public final class BatchProcessor {
  private static final Logger LOG = LoggerFactory.getLogger(BatchProcessor.class);

  private final EventDecoder decoder;
  private final WorkflowStarter starter;
  private final Executor executor;

  public BatchProcessor(EventDecoder decoder, WorkflowStarter starter, Executor executor) {
    this.decoder = decoder;
    this.starter = starter;
    this.executor = executor;
  }

  public SQSBatchResponse process(List<SQSMessage> messages) {
    List<CompletableFuture<Optional<BatchItemFailure>>> results =
        messages.stream().map(this::submit).toList();
    List<BatchItemFailure> failures =
        results.stream().map(CompletableFuture::join).flatMap(Optional::stream).toList();
    return new SQSBatchResponse(failures);
  }

  private CompletableFuture<Optional<BatchItemFailure>> submit(SQSMessage message) {
    String messageId = message.getMessageId();
    PaymentRequest request;
    try {
      request = PaymentRequest.from(decoder.decode(message.getBody()));
    } catch (RejectedMessageException | RuntimeException e) {
      // A RuntimeException here is a bug in decoding; it still fails only this message.
      LOG.warn("Rejected message {}: {}", messageId, e.getMessage());
      return CompletableFuture.completedFuture(Optional.of(new BatchItemFailure(messageId)));
    }
    return CompletableFuture.supplyAsync(() -> start(messageId, request), executor);
  }

  private Optional<BatchItemFailure> start(String messageId, PaymentRequest request) {
    try {
      WorkflowStarter.Outcome outcome = starter.start(request);
      LOG.info("{} the workflow of payment {} (message {})",
          outcome == WorkflowStarter.Outcome.STARTED ? "Started" : "Already started",
          request.paymentId(), messageId);
      return Optional.empty();
    } catch (RuntimeException e) {
      LOG.warn("Could not start the workflow of payment {} (message {}): {}",
          request.paymentId(), messageId, rootCause(e));
      return Optional.of(new BatchItemFailure(messageId));
    }
  }

  /** The SDK wraps gRPC errors; the innermost one says what went wrong (UNAVAILABLE, ...). */
  private static String rootCause(Throwable error) {
    Throwable cause = error;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause.toString();
  }
}
