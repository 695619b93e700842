package io.durapay.worker.gateway;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.time.Duration;
import java.util.function.Supplier;
import org.jdbi.v3.core.ConnectionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rides out a database blip inside one activity attempt. The charge activity has three attempts,
 * meant for the gateway: a database that refuses connections for a few seconds must not spend
 * them (and fail a payment nobody tried to charge). A store call that fails for a reason a retry
 * can cure (no connection, the server restarting, out of connections, a serialization conflict)
 * is repeated with backoff until {@code patience} is used up; any other failure, and the last
 * transient one, is thrown as it came.
 */
final class DatabaseBlips {
  private static final Logger LOG = LoggerFactory.getLogger(DatabaseBlips.class);
  private static final Duration FIRST_WAIT = Duration.ofMillis(100);
  private static final Duration LONGEST_WAIT = Duration.ofSeconds(1);

  private final Duration patience;

  DatabaseBlips(Duration patience) {
    this.patience = patience;
  }

  <T> T outlast(String what, Supplier<T> call) {
    long deadline = System.nanoTime() + patience.toNanos();
    Duration wait = FIRST_WAIT;
    while (true) {
      try {
        return call.get();
      } catch (RuntimeException e) {
        if (!curable(e) || System.nanoTime() + wait.toNanos() > deadline) {
          throw e;
        }
        LOG.warn("{}: the database is unavailable ({}), trying again in {} ms", what, e.getMessage(), wait.toMillis());
        try {
          Thread.sleep(wait.toMillis());
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
        wait = wait.multipliedBy(2).compareTo(LONGEST_WAIT) > 0 ? LONGEST_WAIT : wait.multipliedBy(2);
      }
    }
  }

  void outlast(String what, Runnable call) {
    outlast(what, () -> {
      call.run();
      return null;
    });
  }

  /** Whether a retry can cure it: a lost connection or a passing state of the server. */
  static boolean curable(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ConnectionException || t instanceof SQLTransientException || t instanceof SQLRecoverableException) {
        return true;
      }
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        String state = sql.getSQLState();
        // 08: connection exception; 53: insufficient resources (too many connections);
        // 57P: operator intervention (admin shutdown, crash shutdown, cannot connect now);
        // 40001 / 40P01: serialization failure / deadlock, which a retry resolves.
        if (state.startsWith("08") || state.startsWith("53") || state.startsWith("57P")
            || state.equals("40001") || state.equals("40P01")) {
          return true;
        }
      }
    }
    return false;
  }
}
