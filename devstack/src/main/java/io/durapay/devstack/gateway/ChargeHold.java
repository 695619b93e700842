package io.durapay.devstack.gateway;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Holds charge requests at the door, the way a gateway under strain keeps callers waiting: while
 * holding, a create-intent request waits before anything is decided, until its payment is
 * released, every payment is, or {@code maxWait} passes. Nothing is charged while a request
 * waits, so a released request is charged (once, by its idempotency key) when it goes through,
 * even if the caller has given up on it meanwhile.
 */
final class ChargeHold {
  private final Duration maxWait;
  private boolean holding;
  private final Set<String> released = new HashSet<>();
  private final Map<String, Integer> waiting = new HashMap<>();

  ChargeHold(Duration maxWait) {
    this.maxWait = maxWait;
  }

  /** From now on charge requests wait; payments released before are held again. */
  synchronized void hold() {
    holding = true;
    released.clear();
  }

  /** Lets these payments' waiting and future charge requests through. */
  synchronized void release(Collection<String> paymentIds) {
    released.addAll(paymentIds);
    notifyAll();
  }

  /** Lets every request through and stops holding. */
  synchronized void releaseAll() {
    holding = false;
    released.clear();
    notifyAll();
  }

  /** The payments with at least one charge request waiting now. */
  synchronized Set<String> waitingPayments() {
    return Set.copyOf(waiting.keySet());
  }

  /** Waits while this payment is held; returns at once when nothing is. */
  void await(String paymentId) throws InterruptedException {
    long deadline = System.nanoTime() + maxWait.toNanos();
    synchronized (this) {
      if (!held(paymentId)) {
        return;
      }
      waiting.merge(paymentId, 1, Integer::sum);
      try {
        long left;
        while (held(paymentId) && (left = deadline - System.nanoTime()) > 0) {
          wait(Math.max(1, left / 1_000_000));
        }
      } finally {
        // A retry of the same payment may still be waiting: count requests, not payments.
        waiting.computeIfPresent(paymentId, (id, n) -> n == 1 ? null : n - 1);
      }
    }
  }

  private boolean held(String paymentId) {
    return holding && !released.contains(paymentId);
  }
}
