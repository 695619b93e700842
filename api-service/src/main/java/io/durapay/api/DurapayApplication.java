package io.durapay.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.dropwizard.auth.AuthDynamicFeature;
import io.dropwizard.auth.AuthValueFactoryProvider;
import io.dropwizard.auth.oauth.OAuthCredentialAuthFilter;
import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.core.Application;
import io.dropwizard.core.server.AbstractServerFactory;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.db.DataSourceFactory;
import io.dropwizard.db.ManagedDataSource;
import io.dropwizard.jdbi3.JdbiFactory;
import io.dropwizard.lifecycle.AutoCloseableManager;
import io.dropwizard.migrations.MigrationsBundle;
import io.durapay.api.auth.AuthenticatedMerchant;
import io.durapay.api.auth.JsonUnauthorizedHandler;
import io.durapay.api.auth.MerchantAuthenticator;
import io.durapay.api.errors.ApiExceptionMapper;
import io.durapay.api.errors.JsonProcessingExceptionMapper;
import io.durapay.api.errors.UnexpectedExceptionMapper;
import io.durapay.api.errors.WebApplicationExceptionMapper;
import io.durapay.api.http.BodySizeLimitFilter;
import io.durapay.api.http.CorrelationIdFilter;
import io.durapay.api.http.JsonErrorHandler;
import io.durapay.api.idempotency.IdempotencyPurger;
import io.durapay.api.merchants.AdminTask;
import io.durapay.api.merchants.CreateMerchantTask;
import io.durapay.api.merchants.MerchantCommand;
import io.durapay.api.merchants.MerchantOnboarding;
import io.durapay.api.merchants.RotateMerchantCredentialsTask;
import io.durapay.api.outbox.DirectEventPublisher;
import io.durapay.api.outbox.EventPublisher;
import io.durapay.api.outbox.OutboxLagHealthCheck;
import io.durapay.api.outbox.OutboxParkedHealthCheck;
import io.durapay.api.outbox.RequeueParkedEventsTask;
import io.durapay.api.outbox.OutboxRelay;
import io.durapay.api.outbox.SnsEventPublisher;
import io.durapay.api.payments.OpenApiResource;
import io.durapay.api.payments.PaymentInitiator;
import io.durapay.api.payments.PaymentRequestParser;
import io.durapay.api.payments.PaymentsResource;
import io.durapay.api.ratelimit.RateLimitFilter;
import io.durapay.api.reconciler.ReconcileTask;
import io.durapay.api.reconciler.Reconciler;
import io.durapay.api.reconciler.WorkflowPresence;
import io.durapay.api.workflows.PaymentWorkflowResource;
import io.durapay.api.workflows.PaymentWorkflows;
import io.dropwizard.lifecycle.Managed;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.durapay.contracts.WorkflowStarter;
import io.durapay.store.IdempotencyDao;
import io.durapay.store.MerchantDao;
import io.durapay.store.OutboxDao;
import io.durapay.store.PaymentDao;
import io.durapay.store.Store;
import jakarta.servlet.DispatcherType;
import java.time.Clock;
import java.util.EnumSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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
  }

  @Override
  public void run(DurapayConfiguration config, Environment environment) {
    ObjectMapper mapper = environment.getObjectMapper();
    mapper.disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    ManagedDataSource dataSource = config.getDatabase().build(environment.metrics(), "postgresql");
    if (config.isMigrateOnStart()) {
      Store.migrate(dataSource);
    }
    Jdbi jdbi =
        Store.configure(
            new JdbiFactory().build(environment, config.getDatabase(), dataSource, "postgresql"));
    Clock clock = Clock.systemUTC();

    // The connection is lazy: the API starts and takes payments while Temporal is unreachable.
    WorkflowServiceStubs temporal = config.getTemporal().connect(null);
    environment.lifecycle().manage(new Managed() {
      @Override
      public void stop() throws InterruptedException {
        temporal.shutdown();
        temporal.awaitTermination(5, TimeUnit.SECONDS);
      }
    });
    WorkflowClient workflowClient = config.getTemporal().client(temporal);

    OutboxRelay relay = null;
    if (config.getOutbox().isRelayEnabled()) {
      EventPublisher publisher = publisher(config, environment, workflowClient, mapper);
      relay = new OutboxRelay(jdbi, publisher, config.getOutbox(), environment.metrics());
      environment.lifecycle().manage(relay);
    }
    OutboxDao outbox = jdbi.onDemand(OutboxDao.class);
    environment
        .healthChecks()
        .register(
            "outbox",
            new OutboxLagHealthCheck(outbox, config.getOutbox().getLagThreshold().toJavaDuration()));
    environment.metrics().gauge("outbox.pending", () -> outbox::countPending);
    environment.healthChecks().register("outbox-parked", new OutboxParkedHealthCheck(outbox));
    environment.metrics().gauge("outbox.parked", () -> outbox::countParked);
    environment.admin().addTask(new RequeueParkedEventsTask(outbox, relay));

    ScheduledExecutorService purgeScheduler =
        environment.lifecycle().scheduledExecutorService("idempotency-purger").threads(1).build();
    long purgeEvery = config.getPayments().getIdempotencyPurgeInterval().toMilliseconds();
    purgeScheduler.scheduleWithFixedDelay(
        new IdempotencyPurger(jdbi.onDemand(IdempotencyDao.class)),
        purgeEvery,
        purgeEvery,
        TimeUnit.MILLISECONDS);

    registerHttp(config, environment, jdbi, mapper, clock, relay, workflowClient);

    Reconciler reconciler =
        new Reconciler(
            jdbi,
            new WorkflowPresence(
                temporal,
                config.getTemporal().getNamespace(),
                config.getTemporal().getQueryTimeoutMillis()),
            mapper,
            clock,
            config.getReconciler(),
            relay);
    environment.admin().addTask(new ReconcileTask(reconciler));
    if (config.getReconciler().isEnabled()) {
      long every = config.getReconciler().getInterval().toMilliseconds();
      environment
          .lifecycle()
          .scheduledExecutorService("payment-reconciler")
          .threads(1)
          .build()
          .scheduleWithFixedDelay(reconciler, every, every, TimeUnit.MILLISECONDS);
    }

    MerchantOnboarding onboarding = new MerchantOnboarding(jdbi.onDemand(MerchantDao.class));
    environment.admin().addTask(new CreateMerchantTask(onboarding));
    environment.admin().addTask(new RotateMerchantCredentialsTask(onboarding));
    // Lets a task answer 400 for bad parameters; Dropwizard's task servlet knows only 200 and 500.
    environment
        .admin()
        .addFilter("admin-task-status", new AdminTask.StatusFilter())
        .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/tasks/*");
  }

  /** SNS, or in direct mode the workflow starter itself (see {@code outbox.mode}). */
  private static EventPublisher publisher(
      DurapayConfiguration config,
      Environment environment,
      WorkflowClient workflowClient,
      ObjectMapper mapper) {
    if (config.getOutbox().isDirect()) {
      ExecutorService starts =
          environment.lifecycle().executorService("outbox-direct-start-%d")
              .minThreads(DirectEventPublisher.STARTS_IN_FLIGHT)
              .maxThreads(DirectEventPublisher.STARTS_IN_FLIGHT)
              .build();
      return new DirectEventPublisher(
          new WorkflowStarter(workflowClient, config.getTemporal().getTaskQueue()), mapper, starts);
    }
    SnsEventPublisher sns = config.getSns().build();
    environment.lifecycle().manage(new AutoCloseableManager(sns));
    return sns;
  }

  private static void registerHttp(
      DurapayConfiguration config,
      Environment environment,
      Jdbi jdbi,
      ObjectMapper mapper,
      Clock clock,
      OutboxRelay relay,
      WorkflowClient workflowClient) {
    // Our mappers give every error, the framework's included, one JSON shape.
    if (config.getServerFactory() instanceof AbstractServerFactory server) {
      server.setRegisterDefaultExceptionMappers(false);
    }
    JsonErrorHandler jettyErrors = new JsonErrorHandler();
    environment.lifecycle().addServerLifecycleListener(server -> server.setErrorHandler(jettyErrors));
    var jersey = environment.jersey();
    jersey.register(new ApiExceptionMapper());
    jersey.register(new WebApplicationExceptionMapper());
    jersey.register(new JsonProcessingExceptionMapper());
    jersey.register(new UnexpectedExceptionMapper());
    jersey.register(new CorrelationIdFilter());
    jersey.register(new BodySizeLimitFilter(PaymentsResource.MAX_BODY_BYTES));
    RateLimitFilter rateLimit = config.getRateLimit().build();
    if (rateLimit != null) {
      jersey.register(rateLimit);
    }

    jersey.register(
        new AuthDynamicFeature(
            new OAuthCredentialAuthFilter.Builder<AuthenticatedMerchant>()
                .setAuthenticator(new MerchantAuthenticator(jdbi.onDemand(MerchantDao.class)))
                .setPrefix("Bearer")
                .setRealm("durapay")
                .setUnauthorizedHandler(new JsonUnauthorizedHandler())
                .buildAuthFilter()));
    jersey.register(new AuthValueFactoryProvider.Binder<>(AuthenticatedMerchant.class));

    PaymentInitiator initiator =
        new PaymentInitiator(
            jdbi, mapper, config.getPayments().getIdempotencyTtl().toJavaDuration(), clock);
    jersey.register(
        new PaymentsResource(
            initiator,
            new PaymentRequestParser(config.getPayments().getMaxAmount()),
            jdbi.onDemand(PaymentDao.class),
            mapper,
            relay));
    jersey.register(new OpenApiResource());
    jersey.register(
        new PaymentWorkflowResource(
            jdbi.onDemand(PaymentDao.class),
            new PaymentWorkflows(workflowClient, config.getTemporal().getTaskQueue()),
            mapper));
  }
}
