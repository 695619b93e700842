package io.durapay.devstack;

import io.dropwizard.testing.DropwizardTestSupport;
import io.durapay.api.DurapayApplication;
import io.durapay.api.DurapayConfiguration;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The stack's API in this JVM, on DIR/api.yml; it keeps the ports of its first start across
 * restarts (a route switch restarts it).
 */
final class ApiProcess implements AutoCloseable {
  private final Path data;
  private final Map<String, String> values;
  private DropwizardTestSupport<DurapayConfiguration> api;

  /** @param values the settings its config file is rendered with */
  ApiProcess(Path data, Map<String, String> values) {
    this.data = data;
    this.values = new LinkedHashMap<>(values);
  }

  synchronized void start() throws Exception {
    if (api != null) {
      throw new IllegalStateException("the API is running");
    }
    Path config = ConfigTemplate.render("devstack-api.yml", values, data.resolve("api.yml"));
    api = new DropwizardTestSupport<>(DurapayApplication.class, config.toString());
    api.before();
    values.put("API_PORT", String.valueOf(api.getLocalPort()));
    values.put("ADMIN_PORT", String.valueOf(api.getAdminPort()));
  }

  /** It finishes the requests it has and stops its outbox relay. */
  synchronized void stop() {
    if (api != null) {
      api.after();
      api = null;
    }
  }

  /** Where its own workflow starts go, from its next start on. */
  synchronized void useTaskQueue(String taskQueue) {
    values.put("TEMPORAL_TASK_QUEUE", taskQueue);
  }

  /** Its configuration with some values replaced, written to {@code target}, for another JVM. */
  synchronized Path config(Map<String, String> overrides, Path target) {
    Map<String, String> config = new LinkedHashMap<>(values);
    config.putAll(overrides);
    return ConfigTemplate.render("devstack-api.yml", config, target);
  }

  synchronized String url() {
    return "http://127.0.0.1:" + values.get("API_PORT");
  }

  synchronized String adminUrl() {
    return "http://127.0.0.1:" + values.get("ADMIN_PORT");
  }

  @Override
  public void close() {
    stop();
  }
}
