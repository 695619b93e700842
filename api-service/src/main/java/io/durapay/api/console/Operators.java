package io.durapay.api.console;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The named operator accounts, each its own password, kept hashed: those in configuration, and
 * those operators added with the {@code add-operator} task (kept in the database). The audit
 * records the name an operator logged in with.
 */
public final class Operators {
  /**
   * Checked when the name is unknown, so that a wrong name costs what a wrong password does and
   * timing does not tell which names exist.
   */
  private static final OperatorPasswords.Hash NOBODY =
      OperatorPasswords.parse(OperatorPasswords.hash("no operator has this password"));
  private static final String NAME = "[A-Za-z0-9._@-]{1,64}";

  private final Map<String, OperatorPasswords.Hash> configured = new LinkedHashMap<>();
  private final Function<String, Optional<String>> added;

  /** One account as configured. */
  public record Account(String name, String passwordHash) {}

  /** Only the configured accounts. */
  public Operators(List<Account> accounts) {
    this(accounts, name -> Optional.empty());
  }

  /** @param added the stored hash of an account added by task, by name (empty when none) */
  public Operators(List<Account> accounts, Function<String, Optional<String>> added) {
    for (Account account : accounts) {
      checkName(account.name());
      if (this.configured.put(account.name(), OperatorPasswords.parse(account.passwordHash())) != null) {
        throw new IllegalArgumentException("the operator " + account.name() + " is configured twice");
      }
    }
    this.added = added;
  }

  /** Refuses a name that is not 1 to 64 letters, digits or . _ @ - (it is shown in the audit). */
  static void checkName(String name) {
    if (name == null || !name.matches(NAME)) {
      throw new IllegalArgumentException(
          "an operator's name must be 1 to 64 letters, digits or . _ @ -, not " + name);
    }
  }

  /** No account in configuration: only those added by task (by an operator of an earlier one) exist. */
  public boolean noneConfigured() {
    return configured.isEmpty();
  }

  public boolean isConfigured(String name) {
    return configured.containsKey(name);
  }

  /** Whether an account of this name exists now: configured, or added by task and not removed. */
  public boolean exists(String name) {
    return configured.containsKey(name) || added.apply(name).isPresent();
  }

  /** The operator's name when {@code password} is theirs; empty otherwise (also for an unknown name). */
  public Optional<String> authenticate(String name, String password) {
    if (name == null || password == null || !name.matches(NAME)) {
      return Optional.empty();
    }
    OperatorPasswords.Hash hash = configured.get(name);
    if (hash == null) {
      hash = added.apply(name).map(Operators::storedHash).orElse(null);
    }
    boolean matches = OperatorPasswords.matches(password, hash == null ? NOBODY : hash);
    return matches && hash != null ? Optional.of(name) : Optional.empty();
  }

  /** A stored hash that no longer parses locks that account out; it never lets anyone in. */
  private static OperatorPasswords.Hash storedHash(String stored) {
    try {
      return OperatorPasswords.parse(stored);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
