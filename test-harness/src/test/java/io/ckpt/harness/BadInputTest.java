package io.ckpt.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ckpt.client.CheckpointClient;
import io.ckpt.client.InvalidRequestException;
import io.ckpt.client.PeerAddress;
import io.ckpt.client.QuotaExceededException;
import io.ckpt.client.ReadOptions;
import io.ckpt.client.SegmentTooLargeException;
import io.ckpt.client.UnavailableException;
import io.ckpt.server.node.CkptNode;
import io.ckpt.server.node.NodeOptions;
import io.ckpt.statemachine.CkptStoreConfigKeys;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bad input gets a clear, typed error; nodes keep running and stored data does not change. */
class BadInputTest {
  static MiniCluster cluster;
  static CheckpointClient client;

  @BeforeAll
  static void start() {
    cluster = MiniCluster.builder().nodes(3)
        .property(CkptStoreConfigKeys.SEGMENT_MAX_KEY, "2MB")
        .property(CkptStoreConfigKeys.QUOTA_KEY, "12MB")
        .start();
    cluster.awaitLeader(Duration.ofSeconds(30));
    client = cluster.client(b -> b.chunkSize(256 << 10));
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @Test
  void invalidNamesAreRefusedByTheClient() {
    for (String bad : List.of("", "/abs", "a/../b", "a/", "a//b", "sp ace", "é", ".hidden", "x".repeat(256))) {
      assertThatThrownBy(() -> client.put(bad, new byte[1])).as("name '%s'", bad)
          .isInstanceOf(InvalidRequestException.class).hasMessageContaining("name");
      assertThatThrownBy(() -> client.get(bad)).isInstanceOf(InvalidRequestException.class);
    }
  }

  @Test
  void segmentOverTheMaximumIsRefusedAndChangesNothing() {
    client.put("bad/big", new byte[] {1, 2, 3});
    assertThatThrownBy(() -> client.put("bad/big", new byte[(2 << 20) + 1]))
        .isInstanceOf(SegmentTooLargeException.class).hasMessageContaining("maximum segment size");
    assertThat(client.get("bad/big").data()).containsExactly(1, 2, 3);
    assertThat(client.get("bad/big").info().version()).isEqualTo(1);
  }

  @Test
  void fullStoreRefusesWritesBeforeTheLogAndRecoversAfterDelete() {
    byte[] mb = new byte[1 << 20];
    new Random(1).nextBytes(mb);
    int written = 0;
    QuotaExceededException refused = null;
    for (int i = 0; i < 40 && refused == null; i++) {
      try {
        client.put("quota/seg" + i, mb);
        written++;
      } catch (QuotaExceededException e) {
        refused = e;
      }
    }
    assertThat(refused).as("quota error after %d writes", written).isNotNull();
    assertThat(refused.getMessage()).contains("quota");
    assertThat(client.get("quota/seg0").data()).isEqualTo(mb);
    for (int i = 0; i < written; i++) {
      client.delete("quota/seg" + i);
    }
    client.put("quota/after", mb);
    assertThat(client.get("quota/after").data()).isEqualTo(mb);
  }

  @Test
  void garbageBytesOnAServerPortDoNotHurtTheNode() throws Exception {
    client.put("bad/garbage", new byte[] {42});
    for (PeerAddress p : cluster.peers()) {
      try (Socket s = new Socket(p.host(), p.port()); OutputStream out = s.getOutputStream()) {
        byte[] junk = new byte[64 << 10];
        new Random(p.port()).nextBytes(junk);
        out.write(junk);
        out.flush();
      } catch (java.io.IOException e) {
        // the server may reset the connection: that is a fine answer to garbage
      }
    }
    for (PeerAddress p : cluster.peers()) {
      assertThat(client.get("bad/garbage", ReadOptions.latest().fromNode(p.id())).data()).containsExactly(42);
    }
    assertThat(client.put("bad/garbage", new byte[] {43}).version()).isEqualTo(2);
  }

  @Test
  void unknownNodeIsABadRequest() {
    assertThatThrownBy(() -> client.get("bad/x", ReadOptions.latest().fromNode("n9")))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("unknown node");
  }

  @Test
  void noReachablePeersIsUnavailableWithinTheTimeout() {
    List<Integer> ports = FreePorts.pick(3);
    String spec = "a=127.0.0.1:" + ports.get(0) + ",b=127.0.0.1:" + ports.get(1) + ",c=127.0.0.1:" + ports.get(2);
    try (CheckpointClient nobody = CheckpointClient.builder().peers(spec).timeout(Duration.ofSeconds(2)).build()) {
      long start = System.nanoTime();
      assertThatThrownBy(() -> nobody.put("bad/none", new byte[1])).isInstanceOf(UnavailableException.class);
      assertThatThrownBy(() -> nobody.get("bad/none")).isInstanceOf(UnavailableException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
    }
  }

  @Test
  void badPeerSpecsAreRefused() {
    for (String bad : List.of("", "n1", "n1=host", "n1=host:0", "n1=host:99999", "n1=h:1,n1=h:2", "=h:1")) {
      assertThatThrownBy(() -> CheckpointClient.builder().peers(bad)).as(bad).isInstanceOf(InvalidRequestException.class);
    }
  }

  @Test
  void unreadableDataDirectoryFailsNodeStartWithAClearError() throws Exception {
    Path dir = TempDirs.create("ckpt-bad-dir-");
    try {
      Path locked = dir.resolve("locked");
      Files.createDirectory(locked);
      Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
      List<PeerAddress> peers = List.of(new PeerAddress("x1", "127.0.0.1", FreePorts.pick(1).get(0)));
      boolean root = "root".equals(System.getProperty("user.name"));
      if (!root) {
        assertThatThrownBy(() -> CkptNode.start(new NodeOptions("x1", peers, locked, Map.of())))
            .hasMessageContaining(locked.toString());
      }
      Path file = dir.resolve("a-file");
      Files.writeString(file, "not a directory");
      assertThatThrownBy(() -> CkptNode.start(new NodeOptions("x1", peers, file, Map.of())))
          .hasMessageContaining(file.toString());
    } finally {
      Files.setPosixFilePermissions(dir.resolve("locked"), PosixFilePermissions.fromString("rwx------"));
      TempDirs.deleteQuietly(dir);
    }
  }
}
