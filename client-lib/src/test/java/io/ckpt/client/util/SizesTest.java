package io.ckpt.client.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SizesTest {
  @Test
  void parsesBinaryUnitsCaseInsensitively() {
    assertThat(Sizes.parse("123")).isEqualTo(123);
    assertThat(Sizes.parse("0")).isZero();
    assertThat(Sizes.parse("512B")).isEqualTo(512);
    assertThat(Sizes.parse("64KiB")).isEqualTo(65536);
    assertThat(Sizes.parse("64k")).isEqualTo(65536);
    assertThat(Sizes.parse("64KB")).isEqualTo(65536);
    assertThat(Sizes.parse("1MiB")).isEqualTo(1 << 20);
    assertThat(Sizes.parse("1m")).isEqualTo(1 << 20);
    assertThat(Sizes.parse("1M")).isEqualTo(1 << 20);
    assertThat(Sizes.parse("1GiB")).isEqualTo(1L << 30);
    assertThat(Sizes.parse("1g")).isEqualTo(1L << 30);
    assertThat(Sizes.parse("2tib")).isEqualTo(2L << 40);
    assertThat(Sizes.parse(" 1.5 MiB ")).isEqualTo(3L << 19);
  }

  @Test
  void rejectsGarbageNegativeAndOverflowWithClearMessages() {
    assertThatThrownBy(() -> Sizes.parse("abc")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"abc\"").hasMessageContaining("expected a number");
    assertThatThrownBy(() -> Sizes.parse("")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Sizes.parse(null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Sizes.parse("-5")).hasMessageContaining("negative");
    assertThatThrownBy(() -> Sizes.parse("5 XB")).hasMessageContaining("unknown unit \"XB\"");
    assertThatThrownBy(() -> Sizes.parse("10000000000GiB")).hasMessageContaining("too large");
    assertThatThrownBy(() -> Sizes.parse("99999999999999999999")).hasMessageContaining("too large");
    assertThatThrownBy(() -> Sizes.parse("1,5m")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void formats() {
    assertThat(Sizes.format(0)).isEqualTo("0 B");
    assertThat(Sizes.format(512)).isEqualTo("512 B");
    assertThat(Sizes.format(1024)).isEqualTo("1 KiB");
    assertThat(Sizes.format(65536)).isEqualTo("64 KiB");
    assertThat(Sizes.format(3L << 19)).isEqualTo("1.5 MiB");
    assertThat(Sizes.format(1L << 30)).isEqualTo("1 GiB");
    assertThat(Sizes.format((1L << 20) - 1)).isEqualTo("1 MiB");
    assertThat(Sizes.format(-2048)).isEqualTo("-2 KiB");
    assertThat(Sizes.format(Long.MAX_VALUE)).isEqualTo("8 EiB");
  }

  @Test
  void formatParsesBack() {
    for (long v : new long[] {0, 1, 1023, 1024, 65536, 3L << 19, 1L << 30, 5L << 40}) {
      assertThat(Sizes.parse(Sizes.format(v))).isEqualTo(v);
    }
  }
}
