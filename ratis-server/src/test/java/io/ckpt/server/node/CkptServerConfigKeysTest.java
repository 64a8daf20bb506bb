package io.ckpt.server.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.ckpt.client.PeerAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.TimeDuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Ratis settings a node starts with, and a node's overrides of them. */
class CkptServerConfigKeysTest {
  @TempDir Path dir;

  @Test
  void appendersSendNewEntriesWithoutAMinimumGap() {
    RaftProperties p = CkptServerConfigKeys.defaults(dir.toFile(), 9000);
    assertThat(RaftServerConfigKeys.Log.Appender.waitTimeMin(p).toLong(TimeUnit.NANOSECONDS)).isZero();
  }

  @Test
  void theLogIsFilledAheadInSmallSteps() {
    RaftProperties p = CkptServerConfigKeys.defaults(dir.toFile(), 9000);
    assertThat(RaftServerConfigKeys.Log.preallocatedSize(p)).isEqualTo(CkptServerConfigKeys.LOG_PREALLOCATED_SIZE);
    assertThat(CkptServerConfigKeys.LOG_PREALLOCATED_SIZE.getSize())
        .isLessThan(RaftServerConfigKeys.Log.PREALLOCATED_SIZE_DEFAULT.getSize());
  }

  @Test
  void aNodesPropertiesOverrideTheDefaults() {
    NodeOptions options = new NodeOptions("n1", List.of(new PeerAddress("n1", "127.0.0.1", 9000)), dir,
        Map.of(RaftServerConfigKeys.Log.Appender.WAIT_TIME_MIN_KEY, "3ms"));
    RaftProperties p = options.apply(CkptServerConfigKeys.defaults(dir.toFile(), 9000), x -> { });
    assertThat(RaftServerConfigKeys.Log.Appender.waitTimeMin(p))
        .isEqualTo(TimeDuration.valueOf(3, TimeUnit.MILLISECONDS));
  }
}
