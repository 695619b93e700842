package io.durapay.bridge;

/**
 * A message the bridge will not turn into a workflow: not JSON, not a durapay event, not a
 * {@code payment.initiated} event, or one missing what the workflow needs. The message says why
 * in a few words and never carries the message body.
 */
public class RejectedMessageException extends Exception {

  public RejectedMessageException(String reason) {
    super(reason);
  }
}
