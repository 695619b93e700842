package io.durapay.devstack;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.durapay.api.console.OperatorPasswords;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The devstack's one operator account for the console and the admin tasks: a random password made
 * on the first start, kept in {@code DIR/operator.json} (and in devstack.json, never on the
 * console), the API configured with its hash only.
 */
public record ConsoleOperator(String name, String password) {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  static ConsoleOperator ensure(Path file) {
    try {
      if (Files.exists(file)) {
        return MAPPER.readValue(file.toFile(), ConsoleOperator.class);
      }
      byte[] random = new byte[18];
      new SecureRandom().nextBytes(random);
      ConsoleOperator operator = new ConsoleOperator("operator", Base64.getUrlEncoder().withoutPadding().encodeToString(random));
      MAPPER.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), operator);
      return operator;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or write " + file, e);
    }
  }

  /** The API's {@code console.operators} setting: this account, its password hashed. */
  String configValue() {
    return "[{name: \"" + name + "\", passwordHash: \"" + OperatorPasswords.hash(password) + "\"}]";
  }

  @Override
  public String toString() {
    return "ConsoleOperator[name=" + name + "]";
  }
}
