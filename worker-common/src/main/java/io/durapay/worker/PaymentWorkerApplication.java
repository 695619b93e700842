package io.durapay.worker;

import com.codahale.metrics.health.HealthCheck;
import com.uber.m3.tally.Scope;
import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.core.Application;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.jdbi3.JdbiFactory;
import io.dropwizard.lifecycle.AutoCloseableManager;
import io.dropwizard.lifecycle.Managed;
import io.durapay.contracts.PaymentWorkflow;
import io.durapay.observability.PrometheusScrape;
import io.durapay.store.Store;
import io.durapay.worker.activities.PaymentActivitySet;
import io.durapay.worker.activities.PaymentRecordActivitiesImpl;
import io.durapay.worker.gateway.GatewayActivitiesImpl;
import io.durapay.worker.http.TasksLocked;
import io.durapay.worker.risk.RiskActivitiesImpl;
import io.durapay.worker.webhook.WebhookActivitiesImpl;
import io.durapay.worker.gateway.GatewayClient;
import io.durapay.worker.gateway.GatewayKeyHealth;
import io.durapay.worker.resolver.UnknownOutcomeResolver;
import io.durapay.worker.temporal.BuildId;
import io.durapay.worker.temporal.PaymentWorker;
import io.durapay.worker.webhook.WebhookSender;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.temporal.serviceclient.WorkflowServiceStubs;
import jakarta.servlet.DispatcherType;
import java.lang.management.ManagementFactory;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;

/**
 * A payment worker process: one workflow build on its task queue, with the activities, a health
 * check for Temporal and the database on the admin port, and Prometheus metrics (the SDK's own
 * included) at {@code /prometheus}. Both worker builds run this; they differ only in the workflow
 * class and default task queue.
 */
public class PaymentWorkerApplication extends Application<WorkerConfiguration> {
  private final String build;
  private final Class<? extends PaymentWorkflow> workflowImplementation;

  /** @param build the build's name ({@code v1}, {@code v2}), recorded on the payments it moves */
  public PaymentWorkerApplication(String build, Class<? extends PaymentWorkflow> workflowImplementation) {
    this.build = build;
    this.workflowImplementation = workflowImplementation;
  }

  @Override
  public String getName() {
    return "durapay-worker-" + build;
  }

  @Override
  public void initialize(Bootstrap<WorkerConfiguration> bootstrap) {
    bootstrap.setConfigurationSourceProvider(
        new SubstitutingSourceProvider(
            bootstrap.getConfigurationSourceProvider(), new EnvironmentVariableSubstitutor(false)));
  }

  @Override
  public void run(WorkerConfiguration config, Environment environment) {
    Jdbi jdbi =
        Store.configure(new JdbiFactory().build(environment, config.getDatabase(), "postgresql"));

    // One scrape at /prometheus: the SDK's metrics, durapay's gauges below, and Dropwizard's
    // (the JVM, Jetty, the connection pool).
    PrometheusScrape prometheus = PrometheusScrape.register(environment);
    PrometheusMeterRegistry registry = prometheus.registry();
    Scope scope = prometheus.temporalScope();
    environment.admin().addFilter("tasks-locked", new TasksLocked())
        .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/tasks/*");

    WorkflowServiceStubs stubs = config.getTemporal().connect(scope);
    environment.lifecycle().manage(new Managed() {
      @Override
      public void stop() throws Exception {
        stubs.shutdown();
        stubs.awaitTermination(5, TimeUnit.SECONDS);
        scope.close();
      }
    });
    environment.healthChecks().register("temporal", new HealthCheck() {
      @Override
      protected Result check() {
        stubs.healthCheck();
        return Result.healthy(config.getTemporal().getTarget());
      }
    });

    GatewayClient gateway = config.getGateway().build();
    GatewayKeyHealth keyHealth = gateway.keyHealth();
    environment.healthChecks().register("gateway-key", new HealthCheck() {
      @Override
      protected Result check() {
        return keyHealth.refusedNow()
            ? Result.unhealthy("the gateway refused the API key (HTTP 401/403) at " + keyHealth.lastRefused()
                + " and has accepted no request since: fix GATEWAY_SECRET_KEY; the payments' calls are retried")
            : Result.healthy();
      }
    });
    registry.more().counter("durapay_gateway_key_refusals", java.util.List.of(), keyHealth, GatewayKeyHealth::refusals);
    WebhookSender webhooks = config.getWebhooks().build();
    environment.lifecycle().manage(new AutoCloseableManager(gateway));
    environment.lifecycle().manage(new AutoCloseableManager(webhooks));
    PaymentRecordActivitiesImpl records = new PaymentRecordActivitiesImpl(jdbi, build);
    registry.more().counter("durapay_workflow_input_mismatches", java.util.List.of(), records,
        PaymentRecordActivitiesImpl::inputMismatches);
    WebhookActivitiesImpl webhookActivities =
        config.getWebhooks().activities(jdbi, webhooks, environment.getObjectMapper());
    long redeliveryEvery = config.getWebhooks().getRedeliveryInterval().toMilliseconds();
    environment.lifecycle().scheduledExecutorService("webhook-redeliveries").threads(1).build()
        .scheduleWithFixedDelay(config.getWebhooks().redeliveries(jdbi, webhookActivities),
            redeliveryEvery, redeliveryEvery, TimeUnit.MILLISECONDS);
    PaymentActivitySet activities =
        new PaymentActivitySet(
            records,
            new RiskActivitiesImpl(jdbi, config.getRisk().build()),
            new GatewayActivitiesImpl(jdbi, gateway),
            webhookActivities);
    // The build first in the identity the server records on every task this worker takes, so that
    // each activity in a history says which build ran it (the console's timeline shows it).
    io.temporal.client.WorkflowClient temporal = config.getTemporal().client(
        stubs, build + "/" + ManagementFactory.getRuntimeMXBean().getName());
    resolveUnknownOutcomes(config, environment, jdbi, temporal, registry);
    // Registered last so it stops first: polling ends before the connection closes.
    environment
        .lifecycle()
        .manage(
            new PaymentWorker(
                temporal,
                config.getTemporal(),
                workflowImplementation,
                activities,
                // Only a versioned worker needs the id Maven wrote into the jar (an IDE run may lack it).
                config.getTemporal().getVersioning().isEnabled() ? BuildId.of(workflowImplementation) : null));
  }

  /**
   * The unknown-outcome resolver: swept on a schedule, watched by the health check {@code
   * unknown-outcomes} and the gauges {@code durapay_payments_unresolved} (processing past the
   * alert threshold) and {@code durapay_payments_refund_failed}.
   */
  private static void resolveUnknownOutcomes(
      WorkerConfiguration config, Environment environment, Jdbi jdbi, io.temporal.client.WorkflowClient temporal,
      PrometheusMeterRegistry registry) {
    UnknownOutcomeResolver resolver =
        UnknownOutcomeResolver.from(config.getResolver(), jdbi, temporal, config.getTemporal().getTaskQueue());
    environment.healthChecks().register("unknown-outcomes", new HealthCheck() {
      @Override
      protected Result check() {
        UnknownOutcomeResolver.Sweep last = resolver.last();
        if (last == null) {
          return Result.healthy("no sweep yet");
        }
        return last.unresolvedPastAlert() > 0
            ? Result.unhealthy(last.unresolvedPastAlert() + " payment(s) still processing after "
                + resolver.alertAfter() + ": their charge outcome is not settled")
            : Result.healthy("last sweep: " + last.examined() + " idle, " + last.restarted().size() + " restarted");
      }
    });
    registry.gauge("durapay_payments_unresolved", resolver,
        r -> r.last() == null ? 0 : r.last().unresolvedPastAlert());
    registry.gauge("durapay_payments_refund_failed", resolver,
        r -> r.last() == null ? 0 : r.last().refundFailed());
    if (config.getResolver().isEnabled()) {
      long every = config.getResolver().getInterval().toMilliseconds();
      environment.lifecycle().scheduledExecutorService("unknown-outcome-resolver").threads(1).build()
          .scheduleWithFixedDelay(resolver, every, every, TimeUnit.MILLISECONDS);
    }
  }
}
