package io.durapay.devstack;

import io.durapay.contracts.TaskQueues;
import io.durapay.worker.PaymentWorkerApplication;
import io.durapay.worker.temporal.BuildId;
import io.durapay.worker.v1.PaymentWorkflowV1Impl;
import io.durapay.worker.v1.WorkerV1;
import io.durapay.worker.v2.PaymentWorkflowV2Impl;
import io.durapay.worker.v2.WorkerV2;

/** The worker builds the devstack can run, each with its own task queue (blue v1, green v2). */
final class Builds {
  private Builds() {}

  static String taskQueue(String build) {
    return switch (build) {
      case "v1" -> TaskQueues.PAYMENTS_V1;
      case "v2" -> TaskQueues.PAYMENTS_V2;
      default -> throw new IllegalArgumentException("unknown worker build " + build + " (v1 or v2)");
    };
  }

  /** The build id the build's workers run as under Worker Versioning (written into its jar). */
  static String buildId(String build) {
    return switch (build) {
      case "v1" -> BuildId.of(PaymentWorkflowV1Impl.class);
      case "v2" -> BuildId.of(PaymentWorkflowV2Impl.class);
      default -> throw new IllegalArgumentException("unknown worker build " + build + " (v1 or v2)");
    };
  }

  static Class<? extends PaymentWorkerApplication> application(String build) {
    return switch (build) {
      case "v1" -> WorkerV1.class;
      case "v2" -> WorkerV2.class;
      default -> throw new IllegalArgumentException("unknown worker build " + build + " (v1 or v2)");
    };
  }
}
