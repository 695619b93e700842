package io.durapay.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.core.Application;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.db.DataSourceFactory;
import io.dropwizard.db.ManagedDataSource;
import io.dropwizard.jdbi3.JdbiFactory;
import io.dropwizard.migrations.MigrationsBundle;
import io.durapay.api.admin.AdminTask;
import io.durapay.api.auth.MerchantAuth;
import io.durapay.api.console.HashOperatorPasswordCommand;
import io.durapay.api.errors.ErrorMappers;
import io.durapay.api.errors.HtmlSafeJson;
import io.durapay.api.http.BodySizeLimitFilter;
import io.durapay.api.http.CorrelationIdFilter;
import io.durapay.api.http.NoCredentialsInUrlFilter;
import io.durapay.api.events.EventsResource;
import io.durapay.api.merchants.CreateMerchantTask;
import io.durapay.api.merchants.MerchantCommand;
import io.durapay.api.merchants.MerchantOnboarding;
import io.durapay.api.merchants.RotateMerchantCredentialsTask;
import io.durapay.api.webhooks.WebhookEndpoints;
import io.durapay.api.outbox.OutboxRelay;
import io.durapay.api.payments.PaymentRequestReader;
import io.durapay.api.reconciler.Reconciler;
import io.durapay.api.workflows.PaymentWorkflows;
import io.durapay.api.workflows.Timelines;
import io.durapay.contracts.WorkflowStarter;
import io.durapay.observability.PrometheusScrape;
import io.durapay.store.MerchantDao;
import io.durapay.store.MerchantEventDao;
import io.durapay.store.Store;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.time.Clock;
import org.jdbi.v3.core.Jdbi;

/** The durapay payments API. */
public class DurapayApplication extends Application<DurapayConfiguration> {

  public static void main(String[] args) throws Exception {
    new DurapayApplication().run(args);
  }

  @Override
  public String getName() {
    return "durapay-api";
  }

  @Override
  public void initialize(Bootstrap<DurapayConfiguration> bootstrap) {
    // Every setting in the YAML may be given as ${ENV_VAR:-default}.
    bootstrap.setConfigurationSourceProvider(
        new SubstitutingSourceProvider(
            bootstrap.getConfigurationSourceProvider(), new EnvironmentVariableSubstitutor(false)));
    bootstrap.addBundle(
        new MigrationsBundle<>() {
          @Override
          public DataSourceFactory getDataSourceFactory(DurapayConfiguration configuration) {
            return configuration.getDatabase();
          }

          @Override
          public String getMigrationsFileName() {
            return Store.CHANGELOG;
          }
        });
    bootstrap.addCommand(new MerchantCommand());
    bootstrap.addCommand(new HashOperatorPasswordCommand());
  }

  @Override
  public void run(DurapayConfiguration config, Environment environment) {
    strictJson(environment.getObjectMapper());
    Jdbi jdbi = database(config, environment);
    Clock clock = Clock.systemUTC();
    // One Prometheus scrape at /prometheus (admin port): Dropwizard's metrics and the Temporal
    // client's; /metrics keeps Dropwizard's JSON.
    PrometheusScrape prometheus = PrometheusScrape.register(environment);
    WorkflowServiceStubs temporal = config.getTemporal().build(environment, prometheus.temporalScope());
    WorkflowClient workflows = config.getTemporal().client(temporal);

    OutboxRelay relay = config.getOutbox().build(environment, jdbi, config.getSns(),
        new WorkflowStarter(workflows, config.getTemporal().getTaskQueue()));
    Reconciler reconciler =
        config.getReconciler().build(environment, jdbi, temporal, config.getTemporal(), clock, relay);

    ErrorMappers.register(environment, config.getServerFactory());
    environment.jersey().register(new NoCredentialsInUrlFilter());
    environment.jersey().register(new CorrelationIdFilter());
    environment.jersey().register(new BodySizeLimitFilter(PaymentRequestReader.MAX_BODY_BYTES));
    config.getRateLimit().build(jdbi).ifPresent(environment.jersey()::register);
    MerchantAuth.register(environment.jersey(), jdbi.onDemand(MerchantDao.class));
    config.getPayments().build(environment, jdbi, clock, relay);
    PaymentWorkflows paymentWorkflows = config.getTemporal().workflows(workflows);
    Timelines timelines = config.getTemporal().timelines(environment, jdbi, paymentWorkflows,
        config.getConsole().getLiveQueryTimeout().toJavaDuration());
    environment.jersey().register(
        config.getTemporal().resource(environment, jdbi, paymentWorkflows, timelines));

    MerchantOnboarding onboarding = new MerchantOnboarding(
        jdbi.onDemand(MerchantDao.class), clock, config.getWebhookSecretOverlap().toJavaDuration());
    environment.admin().addTask(new CreateMerchantTask(onboarding));
    environment.admin().addTask(new RotateMerchantCredentialsTask(onboarding));
    WebhookEndpoints.register(environment, jdbi, onboarding, clock);
    environment.jersey().register(new EventsResource(jdbi.onDemand(MerchantEventDao.class), clock));
    AdminTask.registerStatusFilter(environment.admin());
    config.getConsole().register(environment, jdbi, clock, temporal, config.getTemporal().getNamespace(),
        config.getTemporal().getTaskQueue(), paymentWorkflows, timelines, reconciler);
  }

  /**
   * Dates as ISO-8601 text; a body with a repeated key is refused, not read by its last value;
   * answers escape what could be markup.
   */
  private static void strictJson(ObjectMapper mapper) {
    HtmlSafeJson.configure(mapper);
    mapper.disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  }

  /** The pool, migrated first when {@code migrateOnStart} is set. */
  private static Jdbi database(DurapayConfiguration config, Environment environment) {
    ManagedDataSource dataSource = config.getDatabase().build(environment.metrics(), "postgresql");
    if (config.isMigrateOnStart()) {
      Store.migrate(dataSource);
    }
    return Store.configure(
        new JdbiFactory().build(environment, config.getDatabase(), dataSource, "postgresql"));
  }
}
