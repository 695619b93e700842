package io.durapay.api.testing;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** The operator account {@code test-config.yml} configures. */
public final class Operator {
  public static final String NAME = "test-operator";
  public static final String PASSWORD = "test operator password";

  private Operator() {}

  /** Its HTTP Basic credentials, as scripts calling {@code /tasks/*} send them. */
  public static String basic() {
    return "Basic " + Base64.getEncoder().encodeToString((NAME + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
  }
}
