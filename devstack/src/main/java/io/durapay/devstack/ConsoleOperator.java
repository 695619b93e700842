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
 * on the first start and kept, with its hash, in {@code DIR/operator.json} (and in devstack.json,
 * never on the console); the API is configured with the hash only. The hash is made once, not on
 * every start: it costs what a login does.
 */
public record ConsoleOperator(String name, String password, String passwordHash) {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  static ConsoleOperator ensure(Path file) {
    try {
      ConsoleOperator kept = Files.exists(file) ? MAPPER.readValue(file.toFile(), ConsoleOperator.class) : null;
      if (kept != null && kept.passwordHash() != null) {
        return kept;
      }
      String password = kept != null ? kept.password() : randomPassword();
      String name = kept != null ? kept.name() : "operator";
      ConsoleOperator operator = new ConsoleOperator(name, password, OperatorPasswords.hash(password));
      MAPPER.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), operator);
      return operator;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or write " + file, e);
    }
  }

  /** The API's {@code console.operators} setting: this account, its password hashed. */
  String configValue() {
    return "[{name: \"" + name + "\", passwordHash: \"" + passwordHash + "\"}]";
  }

  private static String randomPassword() {
    byte[] random = new byte[18];
    new SecureRandom().nextBytes(random);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
  }

  @Override
  public String toString() {
    return "ConsoleOperator[name=" + name + "]";
  }
}
