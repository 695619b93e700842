package io.durapay.worker.v1;

import io.durapay.worker.PaymentWorkerApplication;

/**
 * The v1 (blue) worker: {@code java -jar worker-v1.jar server config.yml}. It runs
 * {@link PaymentWorkflowV1Impl} on the task queue of its configuration.
 */
public final class WorkerV1 extends PaymentWorkerApplication {

  public WorkerV1() {
    super("v1", PaymentWorkflowV1Impl.class);
  }

  public static void main(String[] args) throws Exception {
    new WorkerV1().run(args);
  }
}
