package io.ckpt.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bin/ckpt} as separate processes against a {@code bin/ckpt local-cluster} process. */
class CliProcessTest {
  static Process cluster;
  static String peers;
  static Path clusterDir;
  @TempDir Path tmp;

  /** What a finished command printed and returned. */
  record Run(int exit, String out, String err) {}

  static Run ckpt(String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessCluster.home().resolve("bin/ckpt").toString());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().remove("CKPT_PEERS");
    Path out = Files.createTempFile("ckpt-out", ".txt");
    Path err = Files.createTempFile("ckpt-err", ".txt");
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("ckpt %s finished", String.join(" ", args)).isTrue();
    Run r = new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    Files.delete(out);
    Files.delete(err);
    return r;
  }

  static Run client(String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--peers", peers, "--timeout", "30s"));
    return ckpt(all.toArray(String[]::new));
  }

  @BeforeAll
  static void startCluster() throws Exception {
    ProcessCluster.jar();
    clusterDir = TempDirs.create("ckpt-cli-");
    int base = FreePorts.consecutive(3);
    cluster = new ProcessBuilder(ProcessCluster.home().resolve("bin/ckpt").toString(), "local-cluster",
        "--nodes", "3", "--dir", clusterDir.toString(), "--base-port", Integer.toString(base))
        .redirectError(clusterDir.resolve("cluster.err").toFile()).start();
    BufferedReader stdout = new BufferedReader(new InputStreamReader(cluster.getInputStream(), StandardCharsets.UTF_8));
    peers = stdout.readLine();
    assertThat(peers).as("local-cluster's first line").isNotNull()
        .isEqualTo("n1=127.0.0.1:" + base + ",n2=127.0.0.1:" + (base + 1) + ",n3=127.0.0.1:" + (base + 2));
    Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> client("status", "--json").out().contains("\"leader\""));
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (cluster != null) {
      cluster.destroy();
      assertThat(cluster.waitFor(60, TimeUnit.SECONDS)).as("local-cluster exits on SIGTERM").isTrue();
    }
    TempDirs.deleteQuietly(clusterDir);
  }

  @Test
  void putGetInfoLsRmWithJsonAndExitCodes() throws Exception {
    Path file = tmp.resolve("state.bin");
    byte[] data = new byte[3 << 20];
    new Random(3).nextBytes(data);
    Files.write(file, data);

    Run put = client("put", "cli/state", file.toString());
    assertThat(put.exit()).as(put.err()).isZero();
    assertThat(put.out().trim()).isEqualTo("1");

    Run putJson = client("put", "cli/state", file.toString(), "--json");
    assertThat(putJson.exit()).isZero();
    assertThat(putJson.out()).contains("\"name\":\"cli/state\"", "\"version\":2", "\"size\":" + data.length,
        "\"revision\":", "\"crc32c\":\"");

    Run conflict = client("put", "cli/state", file.toString(), "--expect-version", "1");
    assertThat(conflict.exit()).isEqualTo(3);
    assertThat(conflict.err().trim().lines()).hasSize(1).allMatch(l -> l.startsWith("ckpt: "));

    Path out = tmp.resolve("out.bin");
    Run get = client("get", "cli/state", "-o", out.toString(), "--node", "n3");
    assertThat(get.exit()).as(get.err()).isZero();
    assertThat(Files.readAllBytes(out)).isEqualTo(data);

    Run getJson = client("get", "cli/state", "--json", "--version", "1");
    assertThat(getJson.out()).contains("\"version\":1", "\"node\":");

    Run info = client("info", "cli/state", "--json");
    assertThat(info.out()).contains("\"version\":2");
    Run ls = client("ls", "cli/");
    assertThat(ls.out()).contains("cli/state");

    Run load = client("load", "cli/state", "--store", tmp.resolve("store").toString());
    assertThat(load.exit()).as(load.err()).isZero();

    assertThat(client("rm", "cli/state").exit()).isZero();
    Run missing = client("get", "cli/state");
    assertThat(missing.exit()).isEqualTo(2);
    assertThat(missing.err().trim().lines()).hasSize(1);
  }

  @Test
  void registerAcquireFenceAndWatch() throws Exception {
    Path file = tmp.resolve("v.bin");
    Files.write(file, new byte[] {1, 2, 3});
    assertThat(client("register", "cli/owned", "--retain", "2", "--max-size", "1MiB").exit()).isZero();
    Run conflict = client("register", "cli/owned", "--retain", "5");
    assertThat(conflict.exit()).isEqualTo(3);

    Run first = client("acquire", "cli/owned", "--owner", "a", "--ttl", "10m", "--json");
    assertThat(first.exit()).as(first.err()).isZero();
    assertThat(first.out()).contains("\"owner\":\"a\"", "\"epoch\":1");
    assertThat(client("acquire", "cli/owned", "--owner", "b", "--ttl", "10m").exit()).isEqualTo(3);
    assertThat(client("put", "cli/owned", file.toString(), "--epoch", "1").exit()).isZero();
    assertThat(client("acquire", "cli/owned", "--owner", "b", "--ttl", "10m", "--force").out().trim()).isEqualTo("2");
    Run fenced = client("put", "cli/owned", file.toString(), "--epoch", "1");
    assertThat(fenced.exit()).isEqualTo(3);
    assertThat(fenced.err()).contains("fenced");

    Run info = client("info", "cli/owned", "--json");
    assertThat(info.out()).contains("\"owner\":\"b\"", "\"epoch\":2", "\"retain\":2", "\"version\":1");
    Run watch = client("watch", "cli/owned", "--from", "0", "--count", "1", "--json");
    assertThat(watch.exit()).as(watch.err()).isZero();
    assertThat(watch.out().trim()).startsWith("{\"name\":\"cli/owned\",\"version\":1");
  }

  @Test
  void badInputAndUnreachablePeersGiveOneLineAndTheirExitCode() throws Exception {
    for (Map.Entry<List<String>, Integer> c : Map.of(
        List.of("put", "../bad", "-"), 1,
        List.of("put", "cli/x", tmp.resolve("does-not-exist").toString()), 1,
        List.of("get", "cli/never"), 2,
        List.of("frobnicate"), 1).entrySet()) {
      List<String> args = new ArrayList<>(c.getKey());
      Run r = c.getKey().get(0).equals("frobnicate") ? ckpt(args.toArray(String[]::new)) : client(args.toArray(String[]::new));
      assertThat(r.exit()).as("%s: %s", args, r.err()).isEqualTo(c.getValue());
      assertThat(r.err()).doesNotContain("\tat ", "Exception in thread");
    }
    Run noPeers = ckpt("get", "cli/x");
    assertThat(noPeers.exit()).isEqualTo(1);
    assertThat(noPeers.err()).contains("peers");

    int dead = FreePorts.pick(1).get(0);
    Run unreachable = ckpt("get", "cli/x", "--peers", "n1=127.0.0.1:" + dead, "--timeout", "2s");
    assertThat(unreachable.exit()).isEqualTo(4);
    assertThat(unreachable.err().trim().lines()).hasSize(1);
  }
}
