package io.ckpt.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.ckpt.client.CheckpointClient;
import io.ckpt.client.ProgressListener;
import io.ckpt.client.ReadOptions;
import io.ckpt.client.SegmentInfo;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 200 MiB segment through three server processes with 256 MiB heaps, written by a CLI
 * process with a 128 MiB heap: nobody holds it whole, and it reads back intact from every node.
 */
class LargeSegmentProcessTest {
  static final long SIZE = 200L << 20;
  @TempDir Path tmp;

  @Test
  void twoHundredMegabyteSegmentThroughSmallHeaps() throws Exception {
    Path file = tmp.resolve("big.bin");
    int expectedCrc = writeRandomFile(file, SIZE);
    try (ProcessCluster cluster = ProcessCluster.start(3, "-Xmx256m")) {
      try (CheckpointClient client = CheckpointClient.builder().peers(cluster.peersSpec())
          .timeout(Duration.ofSeconds(120)).build()) {
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(
            () -> client.status().stream().anyMatch(s -> s.role().equals("leader")));

        Process put = cli(cluster, "-Xmx128m", "put", "big/seg", file.toString(), "--timeout", "300s");
        assertThat(put.waitFor(300, TimeUnit.SECONDS)).isTrue();
        String out = new String(put.getInputStream().readAllBytes());
        assertThat(put.exitValue()).as("ckpt put output: %s", out).isZero();

        for (String node : List.of("n1", "n2", "n3")) {
          CrcSink sink = new CrcSink();
          SegmentInfo info = client.get("big/seg", ReadOptions.latest().fromNode(node), sink, ProgressListener.NONE);
          assertThat(info.size()).isEqualTo(SIZE);
          assertThat(sink.bytes).isEqualTo(SIZE);
          assertThat(sink.crc()).isEqualTo(expectedCrc);
          assertThat(info.crc32c()).isEqualTo(expectedCrc);
        }
      }
      for (String node : List.of("n1", "n2", "n3")) {
        assertThat(cluster.isAlive(node)).as("%s alive; log:%n%s", node, cluster.log(node)).isTrue();
        assertThat(cluster.log(node)).doesNotContain("OutOfMemoryError");
      }
    }
  }

  static Process cli(ProcessCluster cluster, String heap, String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(ProcessCluster.chronicleFlags());
    cmd.add(heap);
    cmd.addAll(List.of("-jar", ProcessCluster.jar().toString()));
    cmd.addAll(List.of(args));
    cmd.addAll(List.of("--peers", cluster.peersSpec()));
    return new ProcessBuilder(cmd).redirectErrorStream(true).start();
  }

  static int writeRandomFile(Path file, long size) throws Exception {
    SplittableRandom r = new SplittableRandom(7);
    CRC32C crc = new CRC32C();
    byte[] buf = new byte[1 << 20];
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
      for (long done = 0; done < size; done += buf.length) {
        r.nextBytes(buf);
        crc.update(buf);
        out.write(buf);
      }
    }
    return (int) crc.getValue();
  }

  /** Counts and checksums bytes without keeping them. */
  static final class CrcSink extends OutputStream {
    final CRC32C crc = new CRC32C();
    long bytes;

    @Override
    public void write(int b) {
      crc.update(b);
      bytes++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      crc.update(b, off, len);
      bytes += len;
    }

    int crc() {
      return (int) crc.getValue();
    }
  }
}
