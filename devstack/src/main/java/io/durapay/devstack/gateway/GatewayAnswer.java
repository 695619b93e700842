package io.durapay.devstack.gateway;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;

/**
 * What the simulated gateway answers to one request, before the base latency is added.
 *
 * @param status the HTTP status
 * @param body the JSON body: an API object, or {@code {"error": {...}}}
 * @param delay how long the answer takes (a slow card, a late answer), zero for most
 * @param replayed whether this is a stored answer repeated for a reused idempotency key
 * @param damage what happens to the answer on its way back (a fault token), usually nothing
 * @param retryAfter the {@code Retry-After} the answer carries, or null
 */
record GatewayAnswer(
    int status,
    ObjectNode body,
    Duration delay,
    boolean replayed,
    Damage damage,
    Duration retryAfter,
    boolean keptOnError) {

  /** What can happen to an answer between the gateway and the caller. */
  enum Damage {
    /** The answer arrives as sent. */
    NONE,
    /** The connection is reset (TCP RST) instead of answering. */
    CONNECTION_RESET,
    /** The connection is closed without a byte of the answer. */
    CLOSED_WITHOUT_ANSWER,
    /** The status line and headers arrive, but the body is cut short and is not JSON. */
    TRUNCATED_BODY
  }

  static GatewayAnswer ok(ObjectNode body) {
    return new GatewayAnswer(200, body, Duration.ZERO, false, Damage.NONE, null, false);
  }

  /** A Stripe-shaped error; {@code code} and {@code declineCode} may be null. */
  static GatewayAnswer error(
      int status, String type, String code, String declineCode, String message) {
    ObjectNode error = JsonNodeFactory.instance.objectNode().put("type", type);
    if (code != null) {
      error.put("code", code);
    }
    if (declineCode != null) {
      error.put("decline_code", declineCode);
    }
    error.put("message", message);
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.set("error", error);
    return new GatewayAnswer(status, body, Duration.ZERO, false, Damage.NONE, null, false);
  }

  static GatewayAnswer invalidRequest(int status, String code, String message) {
    return error(status, "invalid_request_error", code, null, message);
  }

  GatewayAnswer after(Duration workTime) {
    return new GatewayAnswer(status, body, workTime, replayed, damage, retryAfter, keptOnError);
  }

  /** The same answer as a replay: sent at once, since the work was done the first time. */
  GatewayAnswer asReplay() {
    return new GatewayAnswer(status, body, Duration.ZERO, true, damage, retryAfter, keptOnError);
  }

  GatewayAnswer damaged(Damage what) {
    return new GatewayAnswer(status, body, delay, replayed, what, retryAfter, keptOnError);
  }

  /**
   * An error Stripe keeps under the idempotency key as it keeps a result: the endpoint began
   * executing, then failed (a 500). Every retry with that key gets the same error back.
   */
  GatewayAnswer kept() {
    return new GatewayAnswer(status, body, delay, replayed, damage, retryAfter, true);
  }

  GatewayAnswer withRetryAfter(Duration wait) {
    return new GatewayAnswer(status, body, delay, replayed, damage, wait, keptOnError);
  }
}
