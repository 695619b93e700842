package io.durapay.worker.v2.replay;

import io.durapay.contracts.TaskQueues;
import io.durapay.worker.v1.PaymentWorkflowV1Impl;
import io.durapay.worker.v2.PaymentWorkflowV2Impl;
import java.util.Arrays;

/** The worker builds whose histories are recorded and replayed: v1 (blue) and v2 (green). */
enum Build {
  V1("v1", PaymentWorkflowV1Impl.class, TaskQueues.PAYMENTS_V1),
  V2("v2", PaymentWorkflowV2Impl.class, TaskQueues.PAYMENTS_V2);

  /** The name of the build and of its history folder. */
  final String id;
  final Class<?> workflowClass;
  final String taskQueue;

  Build(String id, Class<?> workflowClass, String taskQueue) {
    this.id = id;
    this.workflowClass = workflowClass;
    this.taskQueue = taskQueue;
  }

  static Build of(String id) {
    return Arrays.stream(values())
        .filter(b -> b.id.equals(id))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown build " + id + " (v1 or v2)"));
  }
}
