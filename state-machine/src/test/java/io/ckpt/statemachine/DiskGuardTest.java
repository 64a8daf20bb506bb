package io.ckpt.statemachine;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The disk check of stream bytes, which arrive before their entry's admission. */
class DiskGuardTest {
  @TempDir Path dir;

  @Test
  void aStreamIsRefusedWhenItWouldEatIntoTheReserve() {
    long free = new DiskGuard(List.of(dir), 0).freeBytes();
    DiskGuard tight = new DiskGuard(List.of(dir), free + (1L << 30)); // a reserve beyond the free space
    assertThatThrownBy(() -> tight.admitStream("n1", 1 << 20)).isInstanceOf(IOException.class)
        .hasMessageContaining("node n1 is low on disk space").hasMessageContaining("ckpt.store.disk.reserve");

    assertThatCode(() -> new DiskGuard(List.of(dir), 0).admitStream("n1", 1 << 20)).doesNotThrowAnyException();
  }
}
