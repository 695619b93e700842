package io.durapay.devstack.gateway;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;

/**
 * What the simulated gateway answers to one request, before the base latency is added.
 *
 * @param status the HTTP status
 * @param body the JSON body: an API object, or {@code {"error": {...}}}
 * @param delay how long the gateway "works" on this request (a slow card), zero for most
 * @param replayed whether this is a stored answer repeated for a reused idempotency key
 */
record GatewayAnswer(int status, ObjectNode body, Duration delay, boolean replayed) {

  static GatewayAnswer ok(ObjectNode body) {
    return new GatewayAnswer(200, body, Duration.ZERO, false);
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
    return new GatewayAnswer(status, body, Duration.ZERO, false);
  }

  static GatewayAnswer invalidRequest(int status, String code, String message) {
    return error(status, "invalid_request_error", code, null, message);
  }

  GatewayAnswer after(Duration workTime) {
    return new GatewayAnswer(status, body, workTime, replayed);
  }

  /** The same answer as a replay: sent at once, since the work was done the first time. */
  GatewayAnswer asReplay() {
    return new GatewayAnswer(status, body, Duration.ZERO, true);
  }
}
