package io.durapay.bridge;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse.BatchItemFailure;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import io.durapay.contracts.CorrelationPropagator;
import io.durapay.contracts.PaymentRequest;
import io.durapay.contracts.TemporalConnection;
import io.durapay.contracts.WorkflowIds;
import io.durapay.contracts.WorkflowStarter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import org.crac.Core;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The Lambda entry point for the "payment-processing" queue: one workflow start per
 * {@code payment.initiated} message, the batch's starts all at once.
 *
 * <p>A failed message is reported (ReportBatchItemFailures), never thrown: a thrown exception
 * would make SQS redeliver the whole batch, good messages included. Reported messages come back
 * after the visibility timeout and go to the dead-letter queue after the redrive policy's
 * maxReceiveCount.
 *
 * <p>Everything is built once per cold start (or SnapStart snapshot, primed by {@link
 * SnapStartPriming}); the Temporal connection is opened lazily by the first start, so a snapshot
 * holds no stale socket.
 */
public final class PaymentEventsHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
  private static final Logger LOG = LoggerFactory.getLogger(PaymentEventsHandler.class);
  // Daemon threads: a JVM that embeds the handler (devstack, tests) can exit without closing it.
  private static final ThreadFactory DAEMON =
      runnable -> {
        Thread thread = new Thread(runnable, "workflow-start");
        thread.setDaemon(true);
        return thread;
      };

  private final EventDecoder decoder;
  private final WorkflowStarter starter;
  private final Executor executor;
  private final SnapStartPriming priming;

  /**
   * What Lambda calls. It registers the priming with CRaC's global context, which SnapStart runs
   * before the snapshot (on a JVM without CRaC, registering does nothing). The handler keeps the
   * priming in a field, so it lives as long as the function does.
   */
  public PaymentEventsHandler() {
    this(BridgeConfig.fromEnvironment(System.getenv()));
    Core.getGlobalContext().register(priming);
  }

  public PaymentEventsHandler(BridgeConfig config) {
    this(new EventDecoder(), starter(config), config.startConcurrency());
  }

  /** For tests and the devstack, which bring their own Temporal client. */
  public PaymentEventsHandler(EventDecoder decoder, WorkflowStarter starter, int concurrency) {
    this.decoder = decoder;
    this.starter = starter;
    this.executor = Executors.newFixedThreadPool(concurrency, DAEMON);
    this.priming = new SnapStartPriming(decoder, starter);
  }

  /** The SnapStart hook; for tests. */
  SnapStartPriming priming() {
    return priming;
  }

  @Override
  public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
    List<SQSMessage> messages = event.getRecords() == null ? List.of() : event.getRecords();
    BridgeMetrics.Batch batch = new BridgeMetrics.Batch(messages.size());
    List<CompletableFuture<Optional<BatchItemFailure>>> results =
        messages.stream().map(message -> submit(message, batch)).toList();
    List<BatchItemFailure> failures =
        results.stream().map(CompletableFuture::join).flatMap(Optional::stream).toList();
    BridgeMetrics.emit(batch);
    return new SQSBatchResponse(failures);
  }

  private CompletableFuture<Optional<BatchItemFailure>> submit(
      SQSMessage message, BridgeMetrics.Batch batch) {
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
  private Optional<BatchItemFailure> start(
      String messageId, PaymentRequest request, BridgeMetrics.Batch batch) {
    MDC.put(CorrelationPropagator.MDC_KEY, request.correlationId());
    MDC.put("paymentId", request.paymentId());
    MDC.put("workflowId", WorkflowIds.forPayment(request.paymentId()));
    try {
      WorkflowStarter.Outcome outcome = starter.start(request);
      boolean started = outcome == WorkflowStarter.Outcome.STARTED;
      (started ? batch.started : batch.alreadyStarted).incrementAndGet();
      LOG.info("{} the workflow of payment {} (message {})",
          started ? "Started" : "Already started", request.paymentId(), messageId);
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

  private static WorkflowStarter starter(BridgeConfig config) {
    LoggerFactory.getLogger(PaymentEventsHandler.class).info("Starting with {}", config);
    TemporalConnection connection = config.temporalConnection();
    return new WorkflowStarter(connection.client(connection.connect(null)), config.taskQueue());
  }
}
