package io.durapay.devstack.gateway;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLNonTransientConnectionException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The cable between the worker and a real PostgreSQL, which a test can pull: while it is out,
 * a new connection is refused as the driver refuses one to a server that is down (SQLState
 * 08001). Each store call takes a connection of its own, so "the next n connections" is "the next
 * n store calls".
 */
final class DatabaseCable implements DataSource {
  private final DataSource database;
  private int passBeforeCut; // guarded by this
  private int refuse; // guarded by this
  private int refused; // guarded by this

  DatabaseCable(DataSource database) {
    this.database = database;
  }

  /** Lets {@code pass} more connections through, then refuses the {@code refuse} after them. */
  synchronized void cutAfter(int pass, int refuse) {
    this.passBeforeCut = pass;
    this.refuse = refuse;
  }

  /** Refuses the next {@code count} connections. */
  void cut(int count) {
    cutAfter(0, count);
  }

  synchronized void mend() {
    refuse = 0;
  }

  synchronized int refused() {
    return refused;
  }

  @Override
  public Connection getConnection() throws SQLException {
    synchronized (this) {
      if (passBeforeCut > 0) {
        passBeforeCut--;
      } else if (refuse > 0) {
        refuse--;
        refused++;
        throw new SQLNonTransientConnectionException(
            "Connection to the database refused (the test pulled the cable)", "08001");
      }
    }
    return database.getConnection();
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    throw new SQLFeatureNotSupportedException("the cable connects as the data source's user");
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return database.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    database.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    database.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return database.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    return database.getParentLogger();
  }

  @Override
  public <T> T unwrap(Class<T> type) throws SQLException {
    return database.unwrap(type);
  }

  @Override
  public boolean isWrapperFor(Class<?> type) throws SQLException {
    return database.isWrapperFor(type);
  }
}
