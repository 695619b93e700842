package io.durapay.contracts;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.uber.m3.tally.Scope;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.temporal.authorization.AuthorizationGrpcMetadataProvider;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.File;
import java.util.List;
import javax.net.ssl.SSLException;

/**
 * How every durapay process reaches Temporal: a self-hosted cluster (plain or mutual TLS) or
 * Temporal Cloud (mutual TLS or an API key). Configuration beans of the API and the workers
 * extend it; the Lambda bridge fills it from environment variables.
 */
public class TemporalConnection {
  /** host:port of the frontend, e.g. {@code 127.0.0.1:7233} or {@code ns.acct.tmprl.cloud:7233}. */
  private String target = "127.0.0.1:7233";

  private String namespace = "default";

  /** Client certificate and key (PEM files) for mutual TLS; both or neither. */
  private String tlsCertPath;

  private String tlsKeyPath;

  /** A Temporal Cloud API key; implies TLS. Never logged. */
  private String apiKey;

  /** Opens the connection; TLS when a certificate or an API key is configured. */
  public WorkflowServiceStubs connect(Scope metricsScope) {
    if (target == null || target.isBlank()) {
      throw new IllegalArgumentException("temporal target (host:port) is required");
    }
    WorkflowServiceStubsOptions.Builder options =
        WorkflowServiceStubsOptions.newBuilder().setTarget(target);
    if (metricsScope != null) {
      options.setMetricsScope(metricsScope);
    }
    if (isSet(tlsCertPath) || isSet(tlsKeyPath)) {
      options.setSslContext(sslContext());
    } else if (isSet(apiKey)) {
      options.setEnableHttps(true);
    }
    if (isSet(apiKey)) {
      String bearer = "Bearer " + apiKey;
      options.addGrpcMetadataProvider(new AuthorizationGrpcMetadataProvider(() -> bearer));
    }
    customize(options);
    return WorkflowServiceStubs.newServiceStubs(options.build());
  }

  /** For subclasses that need more settings (timeouts, say). */
  protected void customize(WorkflowServiceStubsOptions.Builder options) {}

  /** A client whose starts, workers and activities carry the payment's correlation id. */
  public WorkflowClient client(WorkflowServiceStubs stubs) {
    return client(stubs, null);
  }

  /**
   * The same, with the identity its workers give the server, which the server writes on every task
   * they take ({@code null}: the SDK's own, {@code process@host}).
   */
  public WorkflowClient client(WorkflowServiceStubs stubs, String identity) {
    WorkflowClientOptions.Builder options = WorkflowClientOptions.newBuilder()
        .setNamespace(namespace)
        .setContextPropagators(List.of(new CorrelationPropagator()));
    if (identity != null) {
      options.setIdentity(identity);
    }
    return WorkflowClient.newInstance(stubs, options.build());
  }

  private io.grpc.netty.shaded.io.netty.handler.ssl.SslContext sslContext() {
    if (!isSet(tlsCertPath) || !isSet(tlsKeyPath)) {
      throw new IllegalArgumentException("temporal TLS needs both a certificate and a key path");
    }
    try {
      return GrpcSslContexts.forClient()
          .keyManager(new File(tlsCertPath), new File(tlsKeyPath))
          .build();
    } catch (SSLException | RuntimeException e) {
      throw new IllegalStateException(
          "cannot load the Temporal TLS client certificate " + tlsCertPath + ": " + e.getMessage(), e);
    }
  }

  private static boolean isSet(String value) {
    return value != null && !value.isBlank();
  }

  @JsonProperty
  public String getTarget() {
    return target;
  }

  @JsonProperty
  public void setTarget(String target) {
    this.target = target;
  }

  @JsonProperty
  public String getNamespace() {
    return namespace;
  }

  @JsonProperty
  public void setNamespace(String namespace) {
    this.namespace = namespace;
  }

  @JsonProperty
  public String getTlsCertPath() {
    return tlsCertPath;
  }

  @JsonProperty
  public void setTlsCertPath(String tlsCertPath) {
    this.tlsCertPath = tlsCertPath;
  }

  @JsonProperty
  public String getTlsKeyPath() {
    return tlsKeyPath;
  }

  @JsonProperty
  public void setTlsKeyPath(String tlsKeyPath) {
    this.tlsKeyPath = tlsKeyPath;
  }

  /** Readable by code, never written out (a configuration dump, say). */
  @JsonProperty(access = JsonProperty.Access.WRITE_ONLY)
  public String getApiKey() {
    return apiKey;
  }

  @JsonProperty
  public void setApiKey(String apiKey) {
    this.apiKey = apiKey;
  }

  @Override
  public String toString() {
    return "TemporalConnection[target=" + target + ", namespace=" + namespace + "]";
  }
}
