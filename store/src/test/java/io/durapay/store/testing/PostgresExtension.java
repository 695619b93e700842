package io.durapay.store.testing;

import io.durapay.store.Store;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A real PostgreSQL for tests. One server per test JVM (zonky's embedded binaries, started on a
 * free port and stopped when the JVM exits); each test class that registers this extension gets a
 * fresh, migrated database of its own.
 *
 * <p>Set {@code DURAPAY_TEST_DATABASE_URL} (a JDBC URL of a database on any PostgreSQL, with
 * {@code DURAPAY_TEST_DATABASE_USER} and {@code DURAPAY_TEST_DATABASE_PASSWORD}) to use that server
 * instead; the user must be allowed to create databases.
 */
public final class PostgresExtension implements BeforeAllCallback {

  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static Server server;

  private String databaseName;
  private DataSource dataSource;
  private Jdbi jdbi;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    Server shared = server();
    databaseName =
        "durapay_"
            + context.getRequiredTestClass().getSimpleName().toLowerCase(Locale.ROOT)
            + "_"
            + DATABASES.incrementAndGet();
    try (Connection admin = shared.adminConnection();
        Statement statement = admin.createStatement()) {
      statement.execute("DROP DATABASE IF EXISTS " + databaseName);
      statement.execute("CREATE DATABASE " + databaseName);
    }
    dataSource = shared.dataSource(databaseName);
    Store.migrate(dataSource);
    jdbi = Store.jdbi(dataSource);
  }

  public Jdbi jdbi() {
    return jdbi;
  }

  public DataSource dataSource() {
    return dataSource;
  }

  public String jdbcUrl() {
    return server.jdbcUrl(databaseName);
  }

  public String user() {
    return server.user;
  }

  public String password() {
    return server.password;
  }

  /**
   * PostgreSQL gone, for this database alone: until the returned handle is closed, new
   * connections to it are refused and the open ones have been ended, as a server that went down
   * ends them. Other test classes' databases on the same server are untouched.
   */
  public Outage cutOff() throws SQLException {
    try (Connection admin = server.adminConnection();
        Statement statement = admin.createStatement()) {
      statement.execute("ALTER DATABASE " + databaseName + " WITH ALLOW_CONNECTIONS false");
      statement.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '"
          + databaseName + "' AND pid <> pg_backend_pid()");
    }
    return () -> {
      try (Connection admin = server.adminConnection();
          Statement statement = admin.createStatement()) {
        statement.execute("ALTER DATABASE " + databaseName + " WITH ALLOW_CONNECTIONS true");
      }
    };
  }

  /** The end of an outage {@link #cutOff()} began. */
  public interface Outage extends AutoCloseable {
    @Override
    void close() throws SQLException;
  }

  /** Counts the rows of a table, for tests that assert what was (not) written. */
  public long count(String table) {
    return jdbi.withHandle(h -> h.select("SELECT count(*) FROM " + table).mapTo(Long.class).one());
  }

  private static synchronized Server server() throws IOException, SQLException {
    if (server == null) {
      String url = System.getenv("DURAPAY_TEST_DATABASE_URL");
      server =
          url == null || url.isBlank()
              ? Server.embedded()
              : new Server(
                  url,
                  System.getenv().getOrDefault("DURAPAY_TEST_DATABASE_USER", "postgres"),
                  System.getenv().getOrDefault("DURAPAY_TEST_DATABASE_PASSWORD", ""),
                  null);
    }
    return server;
  }

  /** A PostgreSQL server: the embedded one or the one configured by environment. */
  private static final class Server {
    private final String adminUrl;
    private final String user;
    private final String password;
    private final EmbeddedPostgres embedded;

    private Server(String adminUrl, String user, String password, EmbeddedPostgres embedded) {
      this.adminUrl = adminUrl;
      this.user = user;
      this.password = password;
      this.embedded = embedded;
    }

    static Server embedded() throws IOException {
      EmbeddedPostgres postgres;
      try {
        postgres = EmbeddedPostgres.builder().start();
      } catch (IOException | RuntimeException e) {
        throw new IllegalStateException(
            "could not start the embedded PostgreSQL (zonky). Where user namespaces are blocked"
                + " and the tests run as root, initdb refuses to run; point"
                + " DURAPAY_TEST_DATABASE_URL at a PostgreSQL instead. Cause: "
                + e.getMessage(),
            e);
      }
      Runtime.getRuntime().addShutdownHook(new Thread(() -> closeQuietly(postgres)));
      return new Server(postgres.getJdbcUrl("postgres", "postgres"), "postgres", "", postgres);
    }

    Connection adminConnection() throws SQLException {
      return DriverManager.getConnection(adminUrl, user, password);
    }

    String jdbcUrl(String database) {
      if (embedded != null) {
        return embedded.getJdbcUrl("postgres", database);
      }
      int slash = adminUrl.lastIndexOf('/');
      int query = adminUrl.indexOf('?', slash);
      return adminUrl.substring(0, slash + 1)
          + database
          + (query < 0 ? "" : adminUrl.substring(query));
    }

    DataSource dataSource(String database) {
      PGSimpleDataSource ds = new PGSimpleDataSource();
      ds.setUrl(jdbcUrl(database));
      ds.setUser(user);
      ds.setPassword(password);
      return ds;
    }

    private static void closeQuietly(EmbeddedPostgres postgres) {
      try {
        postgres.close();
      } catch (IOException e) {
        // The JVM is exiting; nothing more to do.
      }
    }
  }
}
