package io.durapay.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.core.Configuration;
import io.dropwizard.db.DataSourceFactory;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MinDuration;
import io.durapay.api.console.ConsoleFactory;
import io.durapay.api.outbox.OutboxFactory;
import io.durapay.api.outbox.SnsFactory;
import io.durapay.api.payments.PaymentsFactory;
import io.durapay.api.ratelimit.RateLimitFactory;
import io.durapay.api.reconciler.ReconcilerFactory;
import io.durapay.api.workflows.TemporalClientFactory;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.util.concurrent.TimeUnit;

/** The API's configuration; see {@code config.yml} for every setting and its environment variable. */
public class DurapayConfiguration extends Configuration {

  @Valid @NotNull private DataSourceFactory database = new DataSourceFactory();

  @Valid @NotNull private PaymentsFactory payments = new PaymentsFactory();

  @Valid @NotNull private OutboxFactory outbox = new OutboxFactory();

  @Valid @NotNull private SnsFactory sns = new SnsFactory();

  @Valid @NotNull private TemporalClientFactory temporal = new TemporalClientFactory();

  @Valid @NotNull private RateLimitFactory rateLimit = new RateLimitFactory();

  @Valid @NotNull private ReconcilerFactory reconciler = new ReconcilerFactory();

  @Valid @NotNull private ConsoleFactory console = new ConsoleFactory();

  /** Run the schema migrations when the server starts (off when an operator runs them). */
  private boolean migrateOnStart = true;

  /** How long a rotated webhook secret goes on signing beside the new one. */
  @NotNull
  @MinDuration(value = 0, unit = TimeUnit.SECONDS)
  private Duration webhookSecretOverlap = Duration.hours(24);

  @JsonProperty
  public Duration getWebhookSecretOverlap() {
    return webhookSecretOverlap;
  }

  @JsonProperty
  public void setWebhookSecretOverlap(Duration webhookSecretOverlap) {
    this.webhookSecretOverlap = webhookSecretOverlap;
  }

  @JsonProperty
  public ConsoleFactory getConsole() {
    return console;
  }

  @JsonProperty
  public void setConsole(ConsoleFactory console) {
    this.console = console;
  }

  @JsonProperty
  public DataSourceFactory getDatabase() {
    return database;
  }

  @JsonProperty
  public void setDatabase(DataSourceFactory database) {
    this.database = database;
  }

  @JsonProperty
  public PaymentsFactory getPayments() {
    return payments;
  }

  @JsonProperty
  public void setPayments(PaymentsFactory payments) {
    this.payments = payments;
  }

  @JsonProperty
  public OutboxFactory getOutbox() {
    return outbox;
  }

  @JsonProperty
  public void setOutbox(OutboxFactory outbox) {
    this.outbox = outbox;
  }

  @JsonProperty
  public SnsFactory getSns() {
    return sns;
  }

  @JsonProperty
  public void setSns(SnsFactory sns) {
    this.sns = sns;
  }

  @JsonProperty
  public TemporalClientFactory getTemporal() {
    return temporal;
  }

  @JsonProperty
  public void setTemporal(TemporalClientFactory temporal) {
    this.temporal = temporal;
  }

  @JsonProperty
  public RateLimitFactory getRateLimit() {
    return rateLimit;
  }

  @JsonProperty
  public void setRateLimit(RateLimitFactory rateLimit) {
    this.rateLimit = rateLimit;
  }

  @JsonProperty
  public ReconcilerFactory getReconciler() {
    return reconciler;
  }

  @JsonProperty
  public void setReconciler(ReconcilerFactory reconciler) {
    this.reconciler = reconciler;
  }

  @JsonProperty
  public boolean isMigrateOnStart() {
    return migrateOnStart;
  }

  @JsonProperty
  public void setMigrateOnStart(boolean migrateOnStart) {
    this.migrateOnStart = migrateOnStart;
  }
}
