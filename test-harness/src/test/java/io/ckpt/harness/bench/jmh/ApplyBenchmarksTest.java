package io.ckpt.harness.bench.jmh;

import static org.assertj.core.api.Assertions.assertThat;

import io.ckpt.protocol.Status;
import io.ckpt.protocol.WriteReply;
import org.junit.jupiter.api.Test;

/** The apply benchmark measures successful puts: each one a new version that replaces the last. */
class ApplyBenchmarksTest {
  @Test
  void everyOperationAppliesAPutThatMakesANewVersion() throws Exception {
    ApplyBenchmarks bench = new ApplyBenchmarks();
    bench.open();
    try {
      for (int i = 1; i <= 3 * ApplyBenchmarks.SEGMENTS; i++) {
        WriteReply reply = bench.apply1KiBPut();
        assertThat(reply.getStatus()).isEqualTo(Status.OK);
        assertThat(reply.getVersion().getRevision()).isEqualTo(i);
        assertThat(reply.getVersion().getSize()).isEqualTo(ApplyBenchmarks.PUT_BYTES);
        // 64 segments in turn: the i-th put is version ceil(i / 64) of its segment.
        assertThat(reply.getVersion().getVersion())
            .isEqualTo((i + ApplyBenchmarks.SEGMENTS - 1) / ApplyBenchmarks.SEGMENTS);
      }
    } finally {
      bench.close();
    }
  }
}
