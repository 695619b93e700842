package io.durapay.observability;

import com.codahale.metrics.MetricRegistry;
import com.uber.m3.tally.RootScopeBuilder;
import com.uber.m3.tally.Scope;
import io.dropwizard.core.setup.Environment;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.temporal.common.reporter.MicrometerClientStatsReporter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;

/**
 * A process's one Prometheus scrape, at {@code /prometheus} on its admin port: the JVM's, the
 * Temporal SDK's metrics and durapay's own Micrometer meters ({@link #registry()}), then everything
 * Dropwizard measures (Jetty, the connection pool, the outbox, the payments). Open like {@code /metrics}: it
 * carries no secret.
 */
public final class PrometheusScrape {
  /** How often the SDK reports into the registry. */
  private static final com.uber.m3.util.Duration SDK_REPORT_EVERY = com.uber.m3.util.Duration.ofSeconds(10);
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  private PrometheusScrape() {
    // The JVM's figures (Dropwizard 5 registers none of its own): memory, GC, threads, classes, CPU.
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
  }

  /** Serves the scrape on the environment's admin port. */
  public static PrometheusScrape register(Environment environment) {
    PrometheusScrape scrape = new PrometheusScrape();
    environment.admin().addServlet("prometheus", new Servlet(scrape.registry, environment.metrics()))
        .addMapping("/prometheus");
    return scrape;
  }

  /** For meters of durapay's own. */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** The Temporal SDK's metrics scope, reporting into this scrape (pass it to the service stubs). */
  public Scope temporalScope() {
    return new RootScopeBuilder()
        .reporter(new MicrometerClientStatsReporter(registry))
        .reportEvery(SDK_REPORT_EVERY);
  }

  private static final class Servlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private final transient PrometheusMeterRegistry registry;
    private final transient MetricRegistry dropwizard;

    Servlet(PrometheusMeterRegistry registry, MetricRegistry dropwizard) {
      this.registry = registry;
      this.dropwizard = dropwizard;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
      response.setContentType("text/plain; version=0.0.4; charset=utf-8");
      PrintWriter writer = response.getWriter();
      writer.write(registry.scrape());
      writer.write(DropwizardText.render(dropwizard));
    }
  }
}
