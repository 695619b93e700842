package io.durapay.devstack;

import io.durapay.store.Store;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stack's PostgreSQL, migrated: an embedded one keeping its data in a directory (so a restart
 * of the stack finds its payments), or a real one by URL. The embedded one can be stopped and
 * started again on its port, as an outage would.
 */
final class LocalDatabase implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LocalDatabase.class);

  private final Path dataDirectory;
  private final String jdbcUrl;
  private final String user;
  private final String password;
  private final Jdbi jdbi;
  private EmbeddedPostgres embedded;

  private LocalDatabase(
      Path dataDirectory, String jdbcUrl, String user, String password, DataSource source, EmbeddedPostgres embedded) {
    this.dataDirectory = dataDirectory;
    this.jdbcUrl = jdbcUrl;
    this.user = user;
    this.password = password;
    this.embedded = embedded;
    Store.migrate(source);
    this.jdbi = Store.jdbi(source);
  }

  /** The real database {@code external} names, or an embedded one with its data in {@code dataDirectory}. */
  static LocalDatabase start(StackSettings.External external, Path dataDirectory) throws IOException {
    if (external.databaseUrl() != null) {
      PGSimpleDataSource real = new PGSimpleDataSource();
      real.setUrl(external.databaseUrl());
      real.setUser(external.databaseUser());
      real.setPassword(external.databasePassword());
      return new LocalDatabase(null, external.databaseUrl(), external.databaseUser(), external.databasePassword(),
          real, null);
    }
    EmbeddedPostgres postgres = embedded(dataDirectory, 0);
    try {
      return new LocalDatabase(dataDirectory, postgres.getJdbcUrl("postgres", "postgres"), "postgres", "",
          postgres.getPostgresDatabase(), postgres);
    } catch (RuntimeException e) {
      postgres.close();
      throw e;
    }
  }

  String jdbcUrl() {
    return jdbcUrl;
  }

  String user() {
    return user;
  }

  String password() {
    return password;
  }

  Jdbi jdbi() {
    return jdbi;
  }

  /** Stops the embedded PostgreSQL, as an outage would; {@link #restart()} starts it again. */
  synchronized void stop() throws IOException {
    if (embedded == null) {
      throw new IllegalStateException("the embedded PostgreSQL is not running (or a real one is used)");
    }
    embedded.close();
    embedded = null;
    LOG.info("PostgreSQL stopped");
  }

  /** Starts the embedded PostgreSQL again on the same port, with the same data. */
  synchronized void restart() throws IOException {
    if (embedded != null || dataDirectory == null) {
      throw new IllegalStateException(dataDirectory == null ? "a real PostgreSQL is used" : "PostgreSQL is running");
    }
    int port = Integer.parseInt(jdbcUrl.replaceFirst(".*://[^:/]+:(\\d+)/.*", "$1"));
    embedded = embedded(dataDirectory, port);
    LOG.info("PostgreSQL started again on port {}", port);
  }

  @Override
  public synchronized void close() throws IOException {
    if (embedded != null) {
      embedded.close();
      embedded = null;
    }
  }

  private static EmbeddedPostgres embedded(Path dataDirectory, int port) throws IOException {
    LOG.info("starting PostgreSQL with data in {}", dataDirectory);
    if (isEmpty(dataDirectory)) {
      // A new database starts as a copy of one this JVM made and migrated once: a copy takes a
      // fraction of initdb's second (and tests start many stacks).
      copy(template(), dataDirectory);
    }
    EmbeddedPostgres.Builder builder =
        EmbeddedPostgres.builder().setDataDirectory(dataDirectory).setCleanDataDirectory(false);
    if (port != 0) {
      builder.setPort(port);
    }
    return builder.start();
  }

  private static Path template;

  /** This JVM's freshly made, migrated and cleanly stopped data directory, made on first use. */
  private static synchronized Path template() throws IOException {
    if (template == null) {
      Path directory = Files.createTempDirectory("durapay-postgres-template");
      try (EmbeddedPostgres postgres =
          EmbeddedPostgres.builder().setDataDirectory(directory).setCleanDataDirectory(false).start()) {
        Store.migrate(postgres.getPostgresDatabase());
      }
      template = directory;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(directory), "delete-postgres-template"));
    }
    return template;
  }

  private static void delete(Path directory) {
    try (Stream<Path> tree = Files.walk(directory)) {
      for (Path path : (Iterable<Path>) tree.sorted(java.util.Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      LOG.debug("could not delete {}", directory, e);
    }
  }

  private static boolean isEmpty(Path directory) throws IOException {
    if (!Files.exists(directory)) {
      return true;
    }
    try (Stream<Path> entries = Files.list(directory)) {
      return entries.findAny().isEmpty();
    }
  }

  /** Copies the tree with its permissions (PostgreSQL insists its data directory is 0700). */
  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> tree = Files.walk(from)) {
      for (Path source : (Iterable<Path>) tree::iterator) {
        Path target = to.resolve(from.relativize(source).toString());
        if (Files.isDirectory(source)) {
          if (!Files.exists(target)) {
            Files.createDirectories(target);
          }
          Files.setPosixFilePermissions(target, Files.getPosixFilePermissions(source));
        } else {
          Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }
}
