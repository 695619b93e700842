package io.durapay.store;

import io.durapay.contracts.PaymentStatus;
import java.sql.Connection;
import java.sql.Types;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import liquibase.Liquibase;
import liquibase.Scope;
import liquibase.ui.LoggerUIService;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.resource.ClassLoaderResourceAccessor;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.argument.AbstractArgumentFactory;
import org.jdbi.v3.core.argument.Argument;
import org.jdbi.v3.core.config.ConfigRegistry;
import org.jdbi.v3.core.statement.StatementExceptions;
import org.jdbi.v3.core.statement.StatementExceptions.MessageRendering;
import org.jdbi.v3.postgres.PostgresPlugin;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;

/** Entry points to the payments database: its migrations and the JDBI setup every DAO needs. */
public final class Store {

  /** The Liquibase changelog, on the classpath. */
  public static final String CHANGELOG = "db/changelog.sql";

  private Store() {}

  /** Installs the plugins and mappings the DAOs rely on. Returns the same instance. */
  public static Jdbi configure(Jdbi jdbi) {
    // Bound values (webhook secrets, key hashes) never go into exception messages, logs or
    // activity failures recorded in workflow histories.
    jdbi.getConfig(StatementExceptions.class).setMessageRendering(MessageRendering.NONE);
    jdbi.installPlugin(new SqlObjectPlugin());
    jdbi.installPlugin(new PostgresPlugin());
    jdbi.registerArgument(new PaymentStatusArgumentFactory());
    jdbi.registerColumnMapper(
        PaymentStatus.class,
        (rs, column, ctx) -> {
          String value = rs.getString(column);
          return value == null ? null : PaymentStatus.fromWireName(value);
        });
    cacheDaoMetadata(jdbi);
    return jdbi;
  }

  /**
   * Builds each DAO's SQL-object metadata once, on the Jdbi itself. Jdbi caches it per
   * configuration and a handle works on a copy of the Jdbi's, so a DAO only ever attached to
   * handles ({@code handle.attach} inside a transaction) had it rebuilt by reflection on every
   * attach, the largest part of the API's CPU per payment (reported as jdbi/jdbi#2991).
   * Handles opened afterwards copy the cached entries. No connection is opened: the extension is
   * attached to a lazy handle that is never used. Called last, after every registration.
   */
  private static void cacheDaoMetadata(Jdbi jdbi) {
    for (Class<?> dao :
        List.of(
            ConsoleDao.class,
            IdempotencyDao.class,
            MerchantDao.class,
            OperatorDao.class,
            OutboxDao.class,
            PaymentDao.class,
            WebhookDeliveryDao.class)) {
      jdbi.withExtension(dao, attached -> null);
    }
  }

  /** A configured JDBI over the data source. */
  public static Jdbi jdbi(DataSource dataSource) {
    return configure(Jdbi.create(dataSource));
  }

  /** Brings the schema up to date. Safe to run on every start and from several processes. */
  public static void migrate(DataSource dataSource) {
    try (Connection connection = dataSource.getConnection()) {
      Database database =
          DatabaseFactory.getInstance()
              .findCorrectDatabaseImplementation(new JdbcConnection(connection));
      try (Liquibase liquibase =
          new Liquibase(CHANGELOG, new ClassLoaderResourceAccessor(), database)) {
        // Progress and the update summary go to the log, not to standard output; and nothing is
        // sent to Liquibase's analytics service.
        Scope.child(
            Map.of(
                Scope.Attr.ui.name(), new LoggerUIService(),
                "liquibase.command.showSummaryOutput", "log",
                "liquibase.analytics.enabled", false),
            () -> liquibase.update(""));
      }
    } catch (Exception e) {
      throw new IllegalStateException("database migration failed: " + e.getMessage(), e);
    }
  }

  /** Statuses are stored by their wire name ({@code initiated}, …), not the enum constant. */
  private static final class PaymentStatusArgumentFactory
      extends AbstractArgumentFactory<PaymentStatus> {
    PaymentStatusArgumentFactory() {
      super(Types.VARCHAR);
    }

    @Override
    protected Argument build(PaymentStatus value, ConfigRegistry config) {
      return (position, statement, ctx) -> statement.setString(position, value.wireName());
    }
  }
}
