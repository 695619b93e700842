package io.durapay.api.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class OperatorsTest {
  private static final String ALICE_HASH = OperatorPasswords.hash("alice's long password", 10_000);

  @Test
  void eachOperatorHasTheirOwnPassword() {
    Operators operators = new Operators(List.of(
        new Operators.Account("alice", ALICE_HASH),
        new Operators.Account("bob", OperatorPasswords.hash("bob's long password", 10_000))));

    assertThat(operators.authenticate("alice", "alice's long password")).contains("alice");
    assertThat(operators.authenticate("bob", "alice's long password")).isEmpty();
    assertThat(operators.authenticate("mallory", "alice's long password")).isEmpty();
    assertThat(operators.authenticate("alice", null)).isEmpty();
  }

  @Test
  void theHashIsSaltedAndNeverThePassword() {
    String again = OperatorPasswords.hash("alice's long password");

    assertThat(again).isNotEqualTo(ALICE_HASH).doesNotContain("alice").startsWith("pbkdf2-sha256:600000:");
    assertThat(OperatorPasswords.matches("alice's long password", OperatorPasswords.parse(again))).isTrue();
  }

  @Test
  void aBadAccountIsRefusedAtStartWithoutRepeatingTheHash() {
    assertThatThrownBy(() -> new Operators(List.of(new Operators.Account("alice", "plain-text-password"))))
        .hasMessageContaining("pbkdf2-sha256:<iterations>:<salt>:<hash>").hasMessageNotContaining("plain-text-password");
    assertThatThrownBy(() -> new Operators(List.of(
            new Operators.Account("alice", ALICE_HASH), new Operators.Account("alice", ALICE_HASH))))
        .hasMessageContaining("configured twice");
    assertThatThrownBy(() -> new Operators(List.of(new Operators.Account("al ice", ALICE_HASH))))
        .hasMessageContaining("an operator's name");
  }
}
