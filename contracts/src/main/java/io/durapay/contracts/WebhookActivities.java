package io.durapay.contracts;

import io.temporal.activity.ActivityInterface;

/** The merchant's webhooks. */
@ActivityInterface
public interface WebhookActivities {

  /**
   * Sends the merchant a signed webhook for the event; every attempt carries the same event id, so
   * a repeat is one the merchant can drop. Never fails the payment.
   */
  WebhookResult sendWebhookNotification(WebhookNotification notification);
}
