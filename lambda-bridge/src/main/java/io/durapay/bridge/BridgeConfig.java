package io.durapay.bridge;

import io.durapay.contracts.TaskQueues;
import io.durapay.contracts.TemporalConnection;
import java.time.Duration;
import java.util.Map;

/**
 * The bridge's settings. A Lambda function has no YAML file, so they come from environment
 * variables; {@link #fromEnvironment(Map)} takes the map so tests (and the devstack) can pass one.
 *
 * @param temporalAddress {@code TEMPORAL_ADDRESS}, host:port of the Temporal frontend
 * @param namespace {@code TEMPORAL_NAMESPACE}
 * @param taskQueue {@code TEMPORAL_TASK_QUEUE}, the current route for new payments
 * @param tlsCertPath {@code TEMPORAL_TLS_CERT}, PEM client certificate for mutual TLS
 * @param tlsKeyPath {@code TEMPORAL_TLS_KEY}, PEM private key for mutual TLS
 * @param apiKey {@code TEMPORAL_API_KEY}, a Temporal Cloud API key; never printed
 * @param rpcTimeout {@code TEMPORAL_RPC_TIMEOUT_MS}, how long a start may take, retries included
 * @param startConcurrency {@code BRIDGE_START_CONCURRENCY}, workflow starts in flight at once
 */
public record BridgeConfig(
    String temporalAddress,
    String namespace,
    String taskQueue,
    String tlsCertPath,
    String tlsKeyPath,
    String apiKey,
    Duration rpcTimeout,
    int startConcurrency) {

  public static BridgeConfig fromEnvironment(Map<String, String> env) {
    return new BridgeConfig(
        text(env, "TEMPORAL_ADDRESS", "127.0.0.1:7233"),
        text(env, "TEMPORAL_NAMESPACE", "default"),
        text(env, "TEMPORAL_TASK_QUEUE", TaskQueues.PAYMENTS_V1),
        text(env, "TEMPORAL_TLS_CERT", null),
        text(env, "TEMPORAL_TLS_KEY", null),
        text(env, "TEMPORAL_API_KEY", null),
        Duration.ofMillis(positive(env, "TEMPORAL_RPC_TIMEOUT_MS", 5000)),
        (int) positive(env, "BRIDGE_START_CONCURRENCY", 10));
  }

  /** The connection to Temporal these settings describe; nothing is opened yet. */
  public TemporalConnection temporalConnection() {
    TemporalConnection connection = new FailFastTemporalConnection(rpcTimeout);
    connection.setTarget(temporalAddress);
    connection.setNamespace(namespace);
    connection.setTlsCertPath(tlsCertPath);
    connection.setTlsKeyPath(tlsKeyPath);
    connection.setApiKey(apiKey);
    return connection;
  }

  /** Everything but the API key, which is only said to be there or not. */
  @Override
  public String toString() {
    return "BridgeConfig[temporalAddress=" + temporalAddress
        + ", namespace=" + namespace
        + ", taskQueue=" + taskQueue
        + ", tls=" + (tlsCertPath != null)
        + ", apiKey=" + (apiKey != null ? "(set)" : "(none)")
        + ", rpcTimeout=" + rpcTimeout.toMillis() + "ms"
        + ", startConcurrency=" + startConcurrency + "]";
  }

  private static String text(Map<String, String> env, String name, String fallback) {
    String value = env.get(name);
    return value == null || value.isBlank() ? fallback : value.trim();
  }

  private static long positive(Map<String, String> env, String name, long fallback) {
    String value = text(env, name, null);
    if (value == null) {
      return fallback;
    }
    try {
      long parsed = Long.parseLong(value);
      if (parsed > 0 && parsed <= Integer.MAX_VALUE) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // Reported below with the variable's name, which the JDK's message lacks.
    }
    throw new IllegalArgumentException(name + " must be a positive integer, was '" + value + "'");
  }
}
