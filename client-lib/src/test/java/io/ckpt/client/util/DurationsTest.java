package io.ckpt.client.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {
  @Test
  void parses() {
    assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Durations.parse("20s")).isEqualTo(Duration.ofSeconds(20));
    assertThat(Durations.parse("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(Durations.parse("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(Durations.parse("1500")).isEqualTo(Duration.ofMillis(1500));
    assertThat(Durations.parse(" 20S ")).isEqualTo(Duration.ofSeconds(20));
    assertThat(Durations.parse("3d")).isEqualTo(Duration.ofDays(3));
    assertThat(Durations.parse("250us")).isEqualTo(Duration.ofNanos(250_000));
    assertThat(Durations.parse("0")).isZero();
  }

  @Test
  void rejectsWithClearMessages() {
    assertThatThrownBy(() -> Durations.parse("soon")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"soon\"").hasMessageContaining("500ms");
    assertThatThrownBy(() -> Durations.parse("-1s")).hasMessageContaining("negative");
    assertThatThrownBy(() -> Durations.parse("5 weeks")).hasMessageContaining("unknown unit \"weeks\"");
    assertThatThrownBy(() -> Durations.parse("1.5s")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Durations.parse("")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Durations.parse(null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Durations.parse("99999999999999999999999s")).hasMessageContaining("too large");
    assertThatThrownBy(() -> Durations.parse("9223372036854775807d")).hasMessageContaining("too large");
  }

  @Test
  void formatsWithTheLargestExactUnitAndParsesBack() {
    assertThat(Durations.format(Duration.ofMillis(500))).isEqualTo("500ms");
    assertThat(Durations.format(Duration.ofSeconds(20))).isEqualTo("20s");
    assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("90s");
    assertThat(Durations.format(Duration.ofMinutes(2))).isEqualTo("2m");
    assertThat(Durations.format(Duration.ofHours(1))).isEqualTo("1h");
    assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
    assertThat(Durations.format(Duration.ZERO)).isEqualTo("0ms");
    assertThat(Durations.format(Duration.ofNanos(1500))).isEqualTo("1500ns");
    assertThat(Durations.format(Duration.ofMillis(-5))).isEqualTo("-5ms");
    for (Duration d : new Duration[] {Duration.ofMillis(1), Duration.ofMillis(61_001), Duration.ofDays(2),
        Duration.ofNanos(123_456_789), Duration.ofMinutes(90)}) {
      assertThat(Durations.parse(Durations.format(d))).isEqualTo(d);
    }
  }
}
