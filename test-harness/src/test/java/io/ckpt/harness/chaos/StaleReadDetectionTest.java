package io.ckpt.harness.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.ckpt.client.CheckpointClient;
import io.ckpt.client.ReadOptions;
import io.ckpt.client.Segment;
import io.ckpt.client.SegmentNotFoundException;
import io.ckpt.client.WriteResult;
import io.ckpt.harness.ProcessCluster;
import io.ckpt.harness.check.LinearizabilityChecker;
import io.ckpt.harness.check.StaleReadChecker;
import io.ckpt.harness.check.Verdict;
import io.ckpt.harness.history.Call;
import io.ckpt.harness.history.History;
import io.ckpt.harness.history.Reply;
import io.ckpt.harness.net.LinkTable;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The checker is checked on a real cluster: a follower cut off by a partition serves an old
 * version from its stale read path. Recorded as the stale read it is, the history passes; passed
 * off as a linearizable read (invoked after the newer write was acknowledged), the
 * linearizability checker must reject it.
 */
class StaleReadDetectionTest {
  @Test
  void aStaleReadPassedOffAsLinearizableIsCaught() throws Exception {
    try (ProcessCluster cluster = ProcessCluster.builder().nodes(3).jvmArgs("-Xmx256m").routedPeerLinks()
            .deferStart().start();
        LinkTable links = cluster.startLinks(1);
        CheckpointClient client = CheckpointClient.builder().peers(cluster.peers()).timeout(Duration.ofSeconds(30)).build()) {
      cluster.startAll();
      String leader = Awaitility.await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
          .until(() -> ProcessCluster.leader(client), java.util.Optional::isPresent).orElseThrow();
      String follower = List.of("n1", "n2", "n3").stream().filter(n -> !n.equals(leader)).findFirst().orElseThrow();

      History real = new History();
      History forged = new History();
      long id = real.invoke(0, Call.put("k", 1));
      long fid = forged.invoke(0, Call.put("k", 1));
      WriteResult first = client.put("k", value(1));
      real.complete(id, Reply.written(first.version(), first.revision()));
      forged.complete(fid, Reply.written(first.version(), first.revision()));
      // Until the follower applied the put, its stale read finds no segment at all.
      Awaitility.await().atMost(Duration.ofMinutes(1)).ignoreException(SegmentNotFoundException.class)
          .until(() -> staleRead(client, follower).info().version() == 1);

      links.isolate(follower);
      id = real.invoke(0, Call.put("k", 2));
      fid = forged.invoke(0, Call.put("k", 2));
      WriteResult second = client.put("k", value(2));
      real.complete(id, Reply.written(second.version(), second.revision()));
      forged.complete(fid, Reply.written(second.version(), second.revision()));

      id = real.invoke(1, Call.staleRead("k"));
      fid = forged.invoke(1, Call.read("k"));
      Segment old = staleRead(client, follower);
      real.complete(id, Reply.staleRead(old.info().readRevision(), old.info().version(), old.info().revision(),
          ByteBuffer.wrap(old.data()).getLong()).from(follower));
      forged.complete(fid, Reply.read(old.info().version(), old.info().revision(), ByteBuffer.wrap(old.data()).getLong())
          .from(follower));
      links.heal();

      assertThat(old.info().version()).as("the cut-off follower still serves version 1").isEqualTo(1);
      assertThat(new LinearizabilityChecker().check(real.ops()).verdict()).isEqualTo(Verdict.PASS);
      assertThat(StaleReadChecker.check(real.ops()).verdict()).isEqualTo(Verdict.PASS);
      var verdict = new LinearizabilityChecker().check(forged.ops());
      assertThat(verdict.verdict()).as(verdict.explanation()).isEqualTo(Verdict.FAIL);
      assertThat(verdict.explanation()).contains("k");
    }
  }

  private static Segment staleRead(CheckpointClient client, String node) {
    return client.get("k", ReadOptions.latest().stale().fromNode(node));
  }

  private static byte[] value(long id) {
    return ByteBuffer.allocate(64).putLong(id).array();
  }
}
