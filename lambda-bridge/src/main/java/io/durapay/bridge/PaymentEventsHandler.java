package io.durapay.bridge;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.durapay.contracts.TemporalConnection;
import io.durapay.contracts.WorkflowStarter;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import org.crac.Core;
import org.slf4j.LoggerFactory;

/**
 * The Lambda entry point for the "payment-processing" queue: one workflow start per
 * {@code payment.initiated} message, failures reported per message (ReportBatchItemFailures).
 * Everything is built once per cold start (or SnapStart snapshot, primed by {@link
 * SnapStartPriming}); the Temporal connection is opened lazily by the first start, so a snapshot
 * holds no stale socket.
 */
public final class PaymentEventsHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
  // Daemon threads: a JVM that embeds the handler (devstack, tests) can exit without closing it.
  private static final ThreadFactory DAEMON =
      runnable -> {
        Thread thread = new Thread(runnable, "workflow-start");
        thread.setDaemon(true);
        return thread;
      };

  private final BatchProcessor processor;
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
    this.processor =
        new BatchProcessor(decoder, starter, Executors.newFixedThreadPool(concurrency, DAEMON));
    this.priming = new SnapStartPriming(decoder, starter);
  }

  /** The SnapStart hook; for tests. */
  SnapStartPriming priming() {
    return priming;
  }

  @Override
  public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
    return processor.process(event.getRecords() == null ? List.of() : event.getRecords());
  }

  private static WorkflowStarter starter(BridgeConfig config) {
    LoggerFactory.getLogger(PaymentEventsHandler.class).info("Starting with {}", config);
    TemporalConnection connection = config.temporalConnection();
    return new WorkflowStarter(connection.client(connection.connect(null)), config.taskQueue());
  }
}
