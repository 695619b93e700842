package io.durapay.api.console;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The named operator accounts, from configuration: each its own password, kept hashed. The audit
 * records the name an operator logged in with.
 */
public final class Operators {
  /**
   * Checked when the name is unknown, so that a wrong name costs what a wrong password does and
   * timing does not tell which names exist.
   */
  private static final OperatorPasswords.Hash NOBODY =
      OperatorPasswords.parse(OperatorPasswords.hash("no operator has this password"));

  private final Map<String, OperatorPasswords.Hash> accounts = new LinkedHashMap<>();

  /** One account as configured. */
  public record Account(String name, String passwordHash) {}

  public Operators(List<Account> accounts) {
    for (Account account : accounts) {
      if (account.name() == null || !account.name().matches("[A-Za-z0-9._@-]{1,64}")) {
        throw new IllegalArgumentException(
            "an operator's name must be 1 to 64 letters, digits or . _ @ -, not " + account.name());
      }
      if (this.accounts.put(account.name(), OperatorPasswords.parse(account.passwordHash())) != null) {
        throw new IllegalArgumentException("the operator " + account.name() + " is configured twice");
      }
    }
  }

  public boolean isEmpty() {
    return accounts.isEmpty();
  }

  /** The operator's name when {@code password} is theirs; empty otherwise (also for an unknown name). */
  public Optional<String> authenticate(String name, String password) {
    if (name == null || password == null) {
      return Optional.empty();
    }
    OperatorPasswords.Hash hash = accounts.get(name);
    boolean matches = OperatorPasswords.matches(password, hash == null ? NOBODY : hash);
    return matches && hash != null ? Optional.of(name) : Optional.empty();
  }
}
