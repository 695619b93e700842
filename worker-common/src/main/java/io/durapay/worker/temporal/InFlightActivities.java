package io.durapay.worker.temporal;

import io.temporal.activity.ActivityExecutionContext;
import io.temporal.activity.ActivityInfo;
import io.temporal.client.ActivityCompletionClient;
import io.temporal.client.ActivityCompletionException;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The activity attempts this worker is running, so that a worker that stops before they finish can
 * hand them back to the server as failed attempts. The server then retries each on another worker
 * a few seconds later ({@link #RETRY_AFTER}), instead of after its start-to-close timeout (30 s for
 * a charge) as it must for an attempt that a vanished worker never reports.
 *
 * <p>Handing back is as safe as the timeout it replaces: it ends the attempt the same way, and every
 * activity is written to be retried (the charge finds its intent by the id its attempts recorded).
 * The abandoned thread may still finish later; the server refuses its report, as it would after the
 * timeout.
 */
final class InFlightActivities extends WorkerInterceptorBase {
  /** The failure type of a handed-back attempt; retryable, as a timeout is. */
  static final String WORKER_STOPPED = "WorkerStopped";

  /**
   * When the retry may start. The stopping worker's last polls can stay open at the server for a
   * moment after the SDK stops them; a retry handed to one is lost with the worker, and ends only at
   * its own start-to-close (as every attempt did before handing back). Waiting a few seconds lets
   * those polls end first. Measured (GracefulShutdownIT, a 1 s grace): the handed-back charge was
   * retried by the next worker and the payment completed about 7 s after the stop began; waiting
   * for the start-to-close instead took over 30 s.
   */
  static final Duration RETRY_AFTER = Duration.ofSeconds(5);

  // Keyed by the task token's identity: each attempt has its own array.
  private final Map<byte[], ActivityInfo> running = new ConcurrentHashMap<>();

  @Override
  public ActivityInboundCallsInterceptor interceptActivity(ActivityInboundCallsInterceptor next) {
    return new ActivityInboundCallsInterceptorBase(next) {
      private ActivityInfo info;

      @Override
      public void init(ActivityExecutionContext context) {
        info = context.getInfo();
        super.init(context);
      }

      @Override
      public ActivityOutput execute(ActivityInput input) {
        byte[] token = info.getTaskToken();
        running.put(token, info);
        try {
          return super.execute(input);
        } finally {
          running.remove(token);
        }
      }
    };
  }

  /** Reports every attempt still running as failed; returns how many the server took back. */
  int handBack(ActivityCompletionClient completions) {
    int handedBack = 0;
    for (Map.Entry<byte[], ActivityInfo> attempt : running.entrySet()) {
      ActivityInfo info = attempt.getValue();
      try {
        ApplicationFailure stopped = ApplicationFailure.newFailure(
            "the worker stopped before attempt " + info.getAttempt() + " of " + info.getActivityType()
                + " finished; another worker retries it",
            WORKER_STOPPED);
        stopped.setNextRetryDelay(RETRY_AFTER);
        // The stop's own stack (the container's lifecycle) says nothing about the activity.
        stopped.setStackTrace(new StackTraceElement[0]);
        completions.completeExceptionally(attempt.getKey(), stopped);
        handedBack++;
      } catch (ActivityCompletionException finishedMeanwhile) {
        // It finished (or timed out) between the listing and the report: nothing to hand back.
      }
    }
    return handedBack;
  }
}
