package io.durapay.bridge;

import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bridge's figures, one CloudWatch Embedded Metric Format line per batch on the logger
 * {@value #LOGGER} (lambda-logback.xml writes it bare, so CloudWatch turns it into metrics in the
 * {@value #NAMESPACE} namespace): messages, workflows started, already started, start failures,
 * rejected messages. Anywhere else the line is a structured log line to scrape.
 */
final class BridgeMetrics {
  static final String LOGGER = "io.durapay.bridge.metrics";
  static final String NAMESPACE = "durapay/bridge";
  private static final Logger METRICS = LoggerFactory.getLogger(LOGGER);

  private BridgeMetrics() {}

  /** What one batch came to. */
  static final class Batch {
    final int messages;
    final AtomicInteger started = new AtomicInteger();
    final AtomicInteger alreadyStarted = new AtomicInteger();
    final AtomicInteger failed = new AtomicInteger();
    final AtomicInteger rejected = new AtomicInteger();

    Batch(int messages) {
      this.messages = messages;
    }
  }

  static void emit(Batch batch) {
    METRICS.info(line(batch, System.currentTimeMillis()));
  }

  static String line(Batch batch, long timestampMillis) {
    return "{\"_aws\":{\"Timestamp\":" + timestampMillis + ",\"CloudWatchMetrics\":[{\"Namespace\":\"" + NAMESPACE
        + "\",\"Dimensions\":[[]],\"Metrics\":["
        + "{\"Name\":\"Messages\",\"Unit\":\"Count\"},"
        + "{\"Name\":\"WorkflowsStarted\",\"Unit\":\"Count\"},"
        + "{\"Name\":\"AlreadyStarted\",\"Unit\":\"Count\"},"
        + "{\"Name\":\"StartFailures\",\"Unit\":\"Count\"},"
        + "{\"Name\":\"RejectedMessages\",\"Unit\":\"Count\"}]}]},"
        + "\"Messages\":" + batch.messages
        + ",\"WorkflowsStarted\":" + batch.started.get()
        + ",\"AlreadyStarted\":" + batch.alreadyStarted.get()
        + ",\"StartFailures\":" + batch.failed.get()
        + ",\"RejectedMessages\":" + batch.rejected.get() + "}";
  }
}
