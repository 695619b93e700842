package io.durapay.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OptionsTest {
  @Test
  void keyValueArgumentsWithListsAndDefaults() {
    Options options = Options.parse(new String[] {"clients=1,8,32", "seconds=10", "note=a=b"});

    assertThat(options.integers("clients", "1")).containsExactly(1, 8, 32);
    assertThat(options.integer("seconds", 5)).isEqualTo(10);
    assertThat(options.integer("pairs", 3)).isEqualTo(3);
    assertThat(options.text("note", "")).isEqualTo("a=b");
  }

  @Test
  void anArgumentThatIsNotKeyEqualsValueIsRefused() {
    assertThatThrownBy(() -> Options.parse(new String[] {"seconds=10", "fast"}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fast");
  }
}
