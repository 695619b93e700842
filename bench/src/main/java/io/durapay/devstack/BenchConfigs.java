package io.durapay.devstack;

import java.nio.file.Path;
import java.util.Map;

/** The devstack's service configurations, rendered for the benchmarks (its renderer is package-private). */
public final class BenchConfigs {
  private BenchConfigs() {}

  public static Path worker(Map<String, String> values, Path target) {
    return ConfigTemplate.render("devstack-worker.yml", values, target);
  }

  public static Path api(Map<String, String> values, Path target) {
    return ConfigTemplate.render("devstack-api.yml", values, target);
  }
}
