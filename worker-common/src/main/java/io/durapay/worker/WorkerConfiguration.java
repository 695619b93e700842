package io.durapay.worker;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.core.Configuration;
import io.dropwizard.db.DataSourceFactory;
import io.durapay.worker.gateway.GatewayFactory;
import io.durapay.worker.resolver.ResolverFactory;
import io.durapay.worker.risk.RiskFactory;
import io.durapay.worker.temporal.TemporalFactory;
import io.durapay.worker.webhook.WebhookFactory;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

/** A worker's configuration; see {@code worker-v1/config.yml} for each setting's variable. */
public class WorkerConfiguration extends Configuration {
  @Valid @NotNull private DataSourceFactory database = new DataSourceFactory();
  @Valid @NotNull private TemporalFactory temporal = new TemporalFactory();
  @Valid @NotNull private GatewayFactory gateway = new GatewayFactory();
  @Valid @NotNull private WebhookFactory webhooks = new WebhookFactory();
  @Valid @NotNull private RiskFactory risk = new RiskFactory();
  @Valid @NotNull private ResolverFactory resolver = new ResolverFactory();

  @JsonProperty
  public ResolverFactory getResolver() {
    return resolver;
  }

  @JsonProperty
  public void setResolver(ResolverFactory resolver) {
    this.resolver = resolver;
  }

  @JsonProperty
  public RiskFactory getRisk() {
    return risk;
  }

  @JsonProperty
  public void setRisk(RiskFactory risk) {
    this.risk = risk;
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
  public TemporalFactory getTemporal() {
    return temporal;
  }

  @JsonProperty
  public void setTemporal(TemporalFactory temporal) {
    this.temporal = temporal;
  }

  @JsonProperty
  public GatewayFactory getGateway() {
    return gateway;
  }

  @JsonProperty
  public void setGateway(GatewayFactory gateway) {
    this.gateway = gateway;
  }

  @JsonProperty
  public WebhookFactory getWebhooks() {
    return webhooks;
  }

  @JsonProperty
  public void setWebhooks(WebhookFactory webhooks) {
    this.webhooks = webhooks;
  }
}
