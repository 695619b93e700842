package io.durapay.devstack.gateway;

/**
 * One fault the simulator plays on one request of a payment whose faults are scripted ({@link
 * GatewaySimulator#script}). Those "in front" are answered before the gateway does anything (no
 * work, nothing kept under the key); those "on the way back" spoil the answer of work that was
 * done.
 */
public enum ScriptedFault {
  /** The request goes through as usual. */
  NONE(false),
  /** In front: a 500 from a load balancer. */
  SERVER_ERROR(true),
  /** In front: a 503, the gateway down. */
  UNAVAILABLE(true),
  /** In front: the connection reset. */
  RESET(true),
  /** In front: 429 with {@code Retry-After: 1}. */
  RATE_LIMITED(true),
  /** In front: 409, another request under the key is in progress. */
  KEY_IN_USE(true),
  /** On the way back: the work done, the connection closed without an answer. */
  ANSWER_LOST(false),
  /** On the way back: the work done, a 200 whose body is cut short. */
  GARBLED(false),
  /** On the way back: the work done, the answer later than the caller waits. */
  LATE(false);

  private final boolean inFront;

  ScriptedFault(boolean inFront) {
    this.inFront = inFront;
  }

  /** Answered before the gateway does anything. */
  public boolean inFront() {
    return inFront;
  }
}
