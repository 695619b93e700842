package io.durapay.api.idempotency;

import io.durapay.store.IdempotencyDao;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Deletes idempotency records past their expiry. Scheduled by the application. */
public final class IdempotencyPurger implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(IdempotencyPurger.class);

  private final IdempotencyDao records;

  public IdempotencyPurger(IdempotencyDao records) {
    this.records = records;
  }

  @Override
  public void run() {
    try {
      int purged = records.purgeExpired();
      if (purged > 0) {
        LOG.info("purged {} expired idempotency records", purged);
      }
    } catch (RuntimeException e) {
      // A scheduled task that throws is never run again; log and try at the next interval.
      LOG.warn("idempotency purge failed: {}", e.toString());
    }
  }
}
