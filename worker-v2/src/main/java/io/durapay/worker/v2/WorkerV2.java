package io.durapay.worker.v2;

import io.durapay.worker.PaymentWorkerApplication;

/**
 * The v2 (green) worker: {@code java -jar worker-v2.jar server config.yml}. It runs
 * {@link PaymentWorkflowV2Impl} on the task queue of its configuration.
 */
public final class WorkerV2 extends PaymentWorkerApplication {

  public WorkerV2() {
    super("v2", PaymentWorkflowV2Impl.class);
  }

  public static void main(String[] args) throws Exception {
    new WorkerV2().run(args);
  }
}
