package io.durapay.observability;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DropwizardTextTest {
  @Test
  void eachKindBecomesItsPrometheusFamily() {
    MetricRegistry registry = new MetricRegistry();
    registry.gauge("outbox.pending", () -> () -> 7);
    registry.gauge("outbox.healthy", () -> () -> true);
    registry.gauge("outbox.name", () -> () -> "not a number");
    registry.counter("jobs.running").inc(3);
    registry.meter("payments.created").mark(5);
    registry.timer("requests").update(250, TimeUnit.MILLISECONDS);

    String text = DropwizardText.render(registry);

    assertThat(text).contains("# TYPE outbox_pending gauge\noutbox_pending 7\n", "outbox_healthy 1\n",
        "# TYPE jobs_running gauge\njobs_running 3\n",
        "# TYPE payments_created_total counter\npayments_created_total 5\n",
        "# TYPE requests_seconds summary\n", "requests_seconds{quantile=\"0.5\"} 0.25\n", "requests_seconds_count 1\n");
    assertThat(text).doesNotContain("outbox_name");
  }

  @Test
  void namesAreMadeValidAndEachFamilyIsWrittenOnce() {
    MetricRegistry registry = new MetricRegistry();
    registry.gauge("org.eclipse.jetty.HttpConnectionFactory.8080.connections", () -> () -> 2);
    registry.gauge("a-b", () -> () -> 1);
    registry.gauge("a.b", () -> () -> 2);
    registry.gauge("9lives", () -> () -> 9);

    String text = DropwizardText.render(registry);

    assertThat(text).contains("org_eclipse_jetty_httpconnectionfactory_8080_connections 2\n", "_9lives 9\n");
    assertThat(text.lines().filter(l -> l.equals("# TYPE a_b gauge"))).hasSize(1);
  }
}
