package io.ckpt.statemachine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ckpt.statemachine.store.Rejected;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The disk checks: of a write before the log, and of stream bytes, which arrive before their entry's admission. */
class DiskGuardTest {
  private static final long MIB = 1 << 20;
  private static final long HEADROOM = DiskGuard.READING_HEADROOM_BYTES;
  @TempDir Path dir;

  /** A disk whose free space and clock the test sets, counting how often the guard reads it. */
  private static final class FakeDisk {
    long free;
    long nanos;
    int reads;

    DiskGuard guard(Path dir, long reserve) {
      return new DiskGuard(List.of(dir, dir), reserve, () -> {
        reads++;
        return free;
      }, () -> nanos);
    }
  }

  @Test
  void farFromFullAReadingServesForAWhile() throws Exception {
    FakeDisk disk = new FakeDisk();
    disk.free = 100L << 30;
    DiskGuard g = disk.guard(dir, 64 * MIB);
    g.admit("n1", 1024, 0, 0);
    g.admit("n1", 1024, 0, 0);
    assertThat(disk.reads).isEqualTo(1);
    disk.nanos += DiskGuard.READING_MAX_AGE_NANOS;
    g.admit("n1", 1024, 0, 0);
    assertThat(disk.reads).as("a reading as old as the limit is not used").isEqualTo(2);
  }

  @Test
  void theBytesAdmittedSinceAReadingCountAgainstIt() throws Exception {
    FakeDisk disk = new FakeDisk();
    long reserve = 64 * MIB;
    disk.free = reserve + HEADROOM + 100 * MIB;
    DiskGuard g = disk.guard(dir, reserve);
    g.admit("n1", 10 * MIB, 0, 0); // reads; takes 20 MiB (log and store)
    g.admit("n1", 10 * MIB, 0, 0); // 100 - 20 - 20 >= 0 above the headroom: from the reading
    g.admit("n1", 10 * MIB, 0, 0); // 100 - 40 - 20
    g.admit("n1", 10 * MIB, 0, 0); // 100 - 60 - 20
    assertThat(disk.reads).isEqualTo(1);
    g.admit("n1", 10 * MIB, 0, 0); // 100 - 80 - 20 = 0: still just enough
    assertThat(disk.reads).isEqualTo(1);
    g.admit("n1", 10 * MIB, 0, 0); // 100 - 100 - 20 < 0: asks the disk again
    assertThat(disk.reads).isEqualTo(2);
  }

  @Test
  void nearFullEveryWriteAsksAndIsRefusedOnceItDoesNotFit() throws Exception {
    FakeDisk disk = new FakeDisk();
    long reserve = 64 * MIB;
    disk.free = reserve + 10 * MIB;
    DiskGuard g = disk.guard(dir, reserve);
    g.admit("n1", MIB, 0, 0);
    g.admit("n1", MIB, 0, 0);
    assertThat(disk.reads).isEqualTo(2);
    assertThatThrownBy(() -> g.admit("n1", 5 * MIB + 1, 0, 0)).isInstanceOf(Rejected.class)
        .hasMessageContaining("node n1 is low on disk space").hasMessageContaining("ckpt.store.disk.reserve");
    assertThatThrownBy(() -> g.admit("n1", 2 * MIB, 3 * MIB + 1, 0)).as("bytes in flight count")
        .isInstanceOf(Rejected.class);
    disk.free = 100L << 30; // space returns: the next write is admitted at once
    g.admit("n1", 5 * MIB, 0, 0);
    assertThat(disk.reads).isEqualTo(5);
  }

  @Test
  void readsTheRealDiskSkippingDirectoriesNotCreatedYet() throws Exception {
    DiskGuard g = new DiskGuard(List.of(dir, dir.resolve("not-yet-created"), dir), 0);
    assertThat(g.freeBytes()).isPositive().isLessThan(Long.MAX_VALUE);
    assertThat(g.fullestDir()).isEqualTo(dir);
    g.admit("n1", 1024, 0, 0);
  }

  @Test
  void aStreamIsRefusedWhenItWouldEatIntoTheReserve() {
    long free = new DiskGuard(List.of(dir), 0).freeBytes();
    DiskGuard tight = new DiskGuard(List.of(dir), free + (1L << 30)); // a reserve beyond the free space
    assertThatThrownBy(() -> tight.admitStream("n1", 1 << 20)).isInstanceOf(IOException.class)
        .hasMessageContaining("node n1 is low on disk space").hasMessageContaining("ckpt.store.disk.reserve");

    assertThatCode(() -> new DiskGuard(List.of(dir), 0).admitStream("n1", 1 << 20)).doesNotThrowAnyException();
  }
}
