package io.durapay.bridge;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse.BatchItemFailure;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import io.durapay.contracts.CorrelationPropagator;
import io.durapay.contracts.PaymentRequest;
import io.durapay.contracts.WorkflowIds;
import io.durapay.contracts.WorkflowStarter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

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
    BridgeMetrics.Batch batch = new BridgeMetrics.Batch(messages.size());
    List<CompletableFuture<Optional<BatchItemFailure>>> results =
        messages.stream().map(message -> submit(message, batch)).toList();
    List<BatchItemFailure> failures =
        results.stream().map(CompletableFuture::join).flatMap(Optional::stream).toList();
    BridgeMetrics.emit(batch);
    return new SQSBatchResponse(failures);
  }

  private CompletableFuture<Optional<BatchItemFailure>> submit(SQSMessage message, BridgeMetrics.Batch batch) {
    String messageId = message.getMessageId();
    PaymentRequest request;
    try {
      request = PaymentRequest.from(decoder.decode(message.getBody()));
    } catch (RejectedMessageException | RuntimeException e) {
      // A RuntimeException here is a bug in decoding; it still fails only this message.
      LOG.warn("Rejected message {}: {}", messageId, e.getMessage());
      batch.rejected.incrementAndGet();
      return CompletableFuture.completedFuture(Optional.of(new BatchItemFailure(messageId)));
    }
    return CompletableFuture.supplyAsync(() -> start(messageId, request, batch), executor);
  }

  /** Starts one payment's workflow; every line it logs names the payment (MDC). */
  private Optional<BatchItemFailure> start(String messageId, PaymentRequest request, BridgeMetrics.Batch batch) {
    MDC.put(CorrelationPropagator.MDC_KEY, request.correlationId());
    MDC.put("paymentId", request.paymentId());
    MDC.put("workflowId", WorkflowIds.forPayment(request.paymentId()));
    try {
      WorkflowStarter.Outcome outcome = starter.start(request);
      (outcome == WorkflowStarter.Outcome.STARTED ? batch.started : batch.alreadyStarted).incrementAndGet();
      LOG.info("{} the workflow of payment {} (message {})",
          outcome == WorkflowStarter.Outcome.STARTED ? "Started" : "Already started",
          request.paymentId(), messageId);
      return Optional.empty();
    } catch (RuntimeException e) {
      batch.failed.incrementAndGet();
      LOG.warn("Could not start the workflow of payment {} (message {}): {}",
          request.paymentId(), messageId, rootCause(e));
      return Optional.of(new BatchItemFailure(messageId));
    } finally {
      MDC.remove(CorrelationPropagator.MDC_KEY);
      MDC.remove("paymentId");
      MDC.remove("workflowId");
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
