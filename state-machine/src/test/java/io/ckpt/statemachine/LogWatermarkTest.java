package io.ckpt.statemachine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The watermark file on disk as flushes, truncations and a clean stop are reported (a test clock). */
class LogWatermarkTest {
  @TempDir Path dir;
  final AtomicLong now = new AtomicLong(1_000_000_000L);

  long onDisk() throws Exception {
    return LogWatermark.read(dir.resolve(LogWatermark.FILE_NAME)).orElseThrow();
  }

  @Test
  void aFlushIsRecordedOnceTheNextOneStartsAtMostOncePerInterval() throws Exception {
    try (LogWatermark w = LogWatermark.open(dir.resolve(LogWatermark.FILE_NAME), now::get)) {
      assertThat(onDisk()).isEqualTo(-1);
      now.addAndGet(LogWatermark.WRITE_INTERVAL_NANOS);
      w.flushing(5);
      assertThat(onDisk()).as("a flush in progress is not durable yet").isEqualTo(-1);
      w.flushing(9);
      assertThat(onDisk()).as("flush 5 completed before flush 9 started").isEqualTo(5);

      // Within the interval the flushes are not written; the watermark lags, never leads.
      now.addAndGet(LogWatermark.WRITE_INTERVAL_NANOS / 2);
      w.flushing(12);
      w.flushing(20);
      assertThat(onDisk()).isEqualTo(5);
      now.addAndGet(LogWatermark.WRITE_INTERVAL_NANOS / 2);
      w.flushing(23);
      assertThat(onDisk()).isEqualTo(20);
      assertThat(w.recorded()).isEqualTo(20);

      w.flushed(23);
      assertThat(onDisk()).as("a clean stop records the log's flush index exactly").isEqualTo(23);
    }
  }

  @Test
  void aTruncationLowersTheWatermarkAtOnceWhateverTheInterval() throws Exception {
    try (LogWatermark w = LogWatermark.open(dir.resolve(LogWatermark.FILE_NAME), now::get)) {
      w.flushed(30);
      w.flushing(40);
      w.truncating(25);
      assertThat(onDisk()).isEqualTo(24);
      now.addAndGet(LogWatermark.WRITE_INTERVAL_NANOS);
      w.flushing(26);
      assertThat(onDisk()).as("the flush before the truncation is not recorded above it").isEqualTo(24);
      w.flushing(27);
      assertThat(onDisk()).isEqualTo(26);
    }
  }
}
