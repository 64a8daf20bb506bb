package io.ckpt.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ckpt.server.cli.CliRunner.Result;
import io.ckpt.server.cli.demo.FreePorts;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line's usage errors, exit codes and error lines, without a cluster. */
class CommandLineTest {
  @TempDir Path tmp;

  private static void assertOneErrorLine(Result r, int code, String contains) {
    assertThat(r.code()).as(r.err()).isEqualTo(code);
    assertThat(r.err()).startsWith("ckpt: ").contains(contains).doesNotContain("\tat ");
    assertThat(r.err().strip().lines().count()).as(r.err()).isEqualTo(1);
  }

  @Test
  void helpAndVersionExitZero() {
    Result help = CliRunner.run("--help");
    assertThat(help.code()).isZero();
    assertThat(help.out()).contains("put", "get", "load", "local-cluster", "status", "demo");
    assertThat(CliRunner.run("put", "--help").out()).contains("--expect-version", "--peers", "--timeout", "--json");
    assertThat(CliRunner.run("--version").out()).startsWith("ckpt ");
  }

  @Test
  void noCommandIsAUsageError() {
    assertOneErrorLine(CliRunner.run(), 1, "missing command");
  }

  @Test
  void unknownCommandsAndOptionsAreUsageErrors() {
    assertOneErrorLine(CliRunner.run("frobnicate"), 1, "frobnicate");
    assertOneErrorLine(CliRunner.run("get", "a", "--peers", "n1=h:1", "--bogus"), 1, "--bogus");
    assertOneErrorLine(CliRunner.run("get"), 1, "NAME");
  }

  @Test
  void missingPeersIsAUsageErrorWithAClearMessage() {
    Result r = CliRunner.run("ls");
    assertOneErrorLine(r, 1, "no peers given");
    assertThat(r.err()).contains("--peers", "CKPT_PEERS");
  }

  @Test
  void peersFallBackToTheEnvironment() {
    assertOneErrorLine(CliRunner.run(Map.of("CKPT_PEERS", "garbage"), "ls"), 1, "bad peer 'garbage'");
  }

  @Test
  void badOptionValuesAreUsageErrors() {
    assertOneErrorLine(CliRunner.run("ls", "--peers", "n1=h:1", "--timeout", "soon"), 1, "--timeout");
    assertOneErrorLine(CliRunner.run("ls", "--peers", "n1=h:1", "--timeout", "0s"), 1, "positive");
    assertOneErrorLine(CliRunner.run("get", "a", "--peers", "n1=h:1", "--version", "x"), 1, "--version");
    assertOneErrorLine(CliRunner.run("put", "a", "--peers", "n1=h:1", "--expect-version", "-2", tmp.toString()), 1, ">= 0");
    assertOneErrorLine(CliRunner.run("ls", "--peers", "n1=h:99999"), 1, "port");
  }

  @Test
  void localClusterValidatesItsOptions() {
    assertOneErrorLine(CliRunner.run("local-cluster", "--nodes", "0", "--dir", tmp.toString()), 1, "between 1 and 9");
    assertOneErrorLine(CliRunner.run("local-cluster", "--nodes", "10", "--dir", tmp.toString()), 1, "between 1 and 9");
    assertOneErrorLine(CliRunner.run("local-cluster", "--nodes", "3", "--dir", tmp.toString(), "--base-port", "65534"),
        1, "--base-port");
    assertOneErrorLine(CliRunner.run("local-cluster", "--nodes", "3"), 1, "--dir");
  }

  @Test
  void serverValidatesItsOptions() {
    assertOneErrorLine(CliRunner.run("server", "--id", "n1", "--dir", tmp.toString()), 1, "no peers given");
    assertOneErrorLine(CliRunner.run("server", "--id", "n4", "--peers", "n1=127.0.0.1:1", "--dir", tmp.toString()),
        1, "not among the peers");
  }

  @Test
  void missingInputFileIsABadInput() {
    Path missing = tmp.resolve("nope.bin");
    assertOneErrorLine(CliRunner.run("put", "a", missing.toString(), "--peers", "n1=127.0.0.1:1"), 1, "no such file");
    assertOneErrorLine(CliRunner.run("put", "a", tmp.toString(), "--peers", "n1=127.0.0.1:1"), 1, "not a regular file");
  }

  @Test
  void invalidSegmentNameIsABadInput() {
    assertOneErrorLine(CliRunner.run("info", "../etc", "--peers", "n1=127.0.0.1:1"), 1, "..");
  }

  @Test
  void verbosePrintsTheStackTrace() {
    Result r = CliRunner.run("info", "../etc", "--peers", "n1=127.0.0.1:1", "--verbose");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).startsWith("ckpt: ").contains("\tat ");
  }

  @Test
  void statusWithNoReachableNodeExitsUnavailable() throws Exception {
    int port = FreePorts.find(1).get(0);
    Result r = CliRunner.run("status", "--peers", "n1=127.0.0.1:" + port, "--timeout", "2s", "--json");
    assertThat(r.code()).as(r.err()).isEqualTo(4);
    assertThat(r.out()).startsWith("{\"nodes\":[{\"id\":\"n1\"").contains("\"role\":\"unreachable\"");
    assertThat(r.err()).startsWith("ckpt: no leader");
  }
}
