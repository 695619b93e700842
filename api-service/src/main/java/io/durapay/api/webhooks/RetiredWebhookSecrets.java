package io.durapay.api.webhooks;

import io.durapay.store.MerchantDao;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Clears the old webhook secrets whose rotation overlap has ended: they sign nothing any more, so
 * the database does not keep them. Scheduled by {@link WebhookEndpoints#register}.
 */
public final class RetiredWebhookSecrets implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(RetiredWebhookSecrets.class);

  private final MerchantDao merchants;
  private final Clock clock;

  public RetiredWebhookSecrets(MerchantDao merchants, Clock clock) {
    this.merchants = merchants;
    this.clock = clock;
  }

  @Override
  public void run() {
    try {
      int cleared = merchants.forgetRetiredWebhookSecrets(clock.instant());
      if (cleared > 0) {
        LOG.info("cleared {} webhook secret(s) whose rotation overlap has ended", cleared);
      }
    } catch (RuntimeException e) {
      // A scheduled task that throws is never run again; log and try at the next interval.
      LOG.warn("clearing retired webhook secrets failed: {}", e.toString());
    }
  }
}
