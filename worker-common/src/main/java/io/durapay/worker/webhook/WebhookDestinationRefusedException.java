package io.durapay.worker.webhook;

/** A URL that webhooks may not be sent to; the message says why, without the full URL. */
public final class WebhookDestinationRefusedException extends RuntimeException {

  public WebhookDestinationRefusedException(String reason) {
    super(reason);
  }
}
