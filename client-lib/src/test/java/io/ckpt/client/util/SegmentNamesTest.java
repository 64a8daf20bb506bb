package io.ckpt.client.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SegmentNamesTest {
  @ParameterizedTest
  @ValueSource(strings = {"a", "Z", "0", "orders", "scheduler/state.v2", "a-b_c.d/e-f", "9lives", "a.b", "a/b/c"})
  void validNames(String name) {
    assertThat(SegmentNames.isValid(name)).isTrue();
    SegmentNames.validate(name);
  }

  @Test
  void maxLengthIs255Bytes() {
    assertThat(SegmentNames.isValid("a".repeat(255))).isTrue();
    assertThatThrownBy(() -> SegmentNames.validate("a".repeat(256)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("256 bytes").hasMessageContaining("maximum is 255")
        .hasMessageContaining("(256 chars)");
  }

  @Test
  void messagesQuoteTheNameAndTheRule() {
    assertThatThrownBy(() -> SegmentNames.validate("")).hasMessageContaining("\"\"").hasMessageContaining("empty");
    assertThatThrownBy(() -> SegmentNames.validate(null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SegmentNames.validate("a b"))
        .hasMessageContaining("\"a b\"").hasMessageContaining("U+0020").hasMessageContaining("index 1");
    assertThatThrownBy(() -> SegmentNames.validate("caf\u00e9")).hasMessageContaining("'\u00e9'");
    assertThatThrownBy(() -> SegmentNames.validate("a\nb")).hasMessageContaining("\"a\\u000Ab\"");
    assertThatThrownBy(() -> SegmentNames.validate(".hidden")).hasMessageContaining("must start with a letter or a digit");
    assertThatThrownBy(() -> SegmentNames.validate("/abs")).hasMessageContaining("must start with a letter or a digit");
    assertThatThrownBy(() -> SegmentNames.validate("-x")).hasMessageContaining("must start with a letter or a digit");
    assertThatThrownBy(() -> SegmentNames.validate("a/../b")).hasMessageContaining("\"..\"");
    assertThatThrownBy(() -> SegmentNames.validate("a..b")).hasMessageContaining("\"..\"");
    assertThatThrownBy(() -> SegmentNames.validate("a//b")).hasMessageContaining("\"//\"");
    assertThatThrownBy(() -> SegmentNames.validate("a/")).hasMessageContaining("must not end with '/'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a b", ".x", "_x", "a..", "x/", "a//b", "a:b", "a\\b", "a*", "\u00e9"})
  void invalidNames(String name) {
    assertThat(SegmentNames.isValid(name)).isFalse();
    assertThatThrownBy(() -> SegmentNames.validate(name)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("invalid segment name");
  }

  @Test
  void prefixes() {
    SegmentNames.validatePrefix("");
    SegmentNames.validatePrefix("orders/");
    SegmentNames.validatePrefix(".x");
    assertThat(SegmentNames.isValidPrefix("a".repeat(255))).isTrue();
    assertThat(SegmentNames.isValidPrefix("a".repeat(256))).isFalse();
    assertThat(SegmentNames.isValidPrefix("a b")).isFalse();
    assertThat(SegmentNames.isValidPrefix(null)).isFalse();
    assertThatThrownBy(() -> SegmentNames.validatePrefix("a*"))
        .hasMessageContaining("prefix").hasMessageContaining("\"a*\"").hasMessageContaining("'*'");
  }
}
