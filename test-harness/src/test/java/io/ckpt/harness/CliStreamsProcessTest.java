package io.ckpt.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.ckpt.harness.CliProcessTest.Run;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ckpt local-cluster --streams} as a real process: it prints peers with stream ports, and
 * {@code ckpt put} given them sends a chunked file as streams that every node keeps.
 */
class CliStreamsProcessTest {
  @TempDir Path tmp;

  @Test
  void localClusterWithStreamsPrintsStreamPortsAndTakesStreamedPuts() throws Exception {
    ProcessCluster.jar();
    Path dir = TempDirs.create("ckpt-cli-streams-");
    int base = FreePorts.consecutive(6);
    Process cluster = new ProcessBuilder(ProcessCluster.home().resolve("bin/ckpt").toString(), "local-cluster",
        "--nodes", "3", "--dir", dir.toString(), "--base-port", Integer.toString(base), "--streams")
        .redirectError(dir.resolve("cluster.err").toFile()).start();
    try {
      String peers = new BufferedReader(new InputStreamReader(cluster.getInputStream(), StandardCharsets.UTF_8))
          .readLine();
      assertThat(peers).as("local-cluster's first line").isEqualTo("n1=127.0.0.1:" + base + "/" + (base + 3)
          + ",n2=127.0.0.1:" + (base + 1) + "/" + (base + 4) + ",n3=127.0.0.1:" + (base + 2) + "/" + (base + 5));
      Awaitility.await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
          .until(() -> CliProcessTest.ckpt("status", "--json", "--peers", peers).out().contains("\"leader\""));
      Path file = tmp.resolve("state.bin");
      byte[] data = new byte[3 << 20];
      new Random(5).nextBytes(data);
      Files.write(file, data);

      Run put = CliProcessTest.ckpt("put", "cli/streamed", file.toString(), "--peers", peers, "--timeout", "30s");
      assertThat(put.exit()).as(put.err()).isZero();
      Path out = tmp.resolve("out.bin");
      Run get = CliProcessTest.ckpt("get", "cli/streamed", "-o", out.toString(), "--peers", peers, "--timeout", "30s");
      assertThat(get.exit()).as(get.err()).isZero();
      assertThat(Files.readAllBytes(out)).isEqualTo(data);
      for (String node : List.of("n1", "n2", "n3")) {
        try (Stream<Path> files = Files.list(dir.resolve(node).resolve("streams"))) {
          assertThat(files.map(p -> p.getFileName().toString()).toList()).as("stream files of %s", node)
              .anyMatch(name -> name.endsWith(".stream"));
        }
      }
    } finally {
      cluster.destroy();
      assertThat(cluster.waitFor(60, TimeUnit.SECONDS)).as("local-cluster exits on SIGTERM").isTrue();
      TempDirs.deleteQuietly(dir);
    }
  }
}
