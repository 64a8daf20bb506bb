package io.ckpt.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ckpt.client.SegmentDescription;
import io.ckpt.client.SegmentInfo;
import io.ckpt.client.SegmentPolicy;
import io.ckpt.server.cli.CliRunner.Result;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code register}, {@code acquire}, {@code watch} and the new {@code put} and {@code info}
 * options, without a cluster: help, option validation (exit 1) and output formatting.
 */
class OwnershipCommandsTest {
  private static final String PEERS = "n1=127.0.0.1:1";

  @TempDir Path tmp;

  private static void assertUsageError(Result r, String contains) {
    assertThat(r.code()).as(r.err()).isEqualTo(Errors.USAGE);
    assertThat(r.err()).startsWith("ckpt: ").contains(contains).doesNotContain("\tat ");
    assertThat(r.err().strip().lines().count()).as(r.err()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
  }

  @Test
  void helpListsTheNewCommandsAndOptions() {
    assertThat(CliRunner.run("--help").out()).contains("register", "acquire", "watch");
    assertThat(CliRunner.run("put", "--help").out()).contains("--epoch", "--no-create");
    assertThat(CliRunner.run("register", "--help").out()).contains("--retain", "--max-size", "--by", "--json");
    assertThat(CliRunner.run("acquire", "--help").out()).contains("--owner", "--ttl", "--force", "not renewed");
    assertThat(CliRunner.run("watch", "--help").out()).contains("--from", "--count", "exit code 0");
  }

  @Test
  void registerValidatesItsOptions() {
    assertUsageError(CliRunner.run("register", "a", "--peers", PEERS, "--max-size", "lots"), "--max-size");
    assertUsageError(CliRunner.run("register", "a", "--peers", PEERS, "--max-size", "-1MiB"), "negative");
    assertUsageError(CliRunner.run("register", "a", "--peers", PEERS, "--retain", "1001"), "retain must be 1..1000");
    assertUsageError(CliRunner.run("register", "a", "--peers", PEERS, "--retain", "-1"), "retain must be 1..1000");
    assertUsageError(CliRunner.run("register", "a", "--peers", PEERS, "--retain", "three"), "--retain");
    assertUsageError(CliRunner.run("register", "../a", "--peers", PEERS), "..");
    assertUsageError(CliRunner.run("register", "--peers", PEERS), "NAME");
  }

  @Test
  void acquireValidatesItsOptions() {
    assertUsageError(CliRunner.run("acquire", "a", "--peers", PEERS), "--owner");
    assertUsageError(CliRunner.run("acquire", "a", "--peers", PEERS, "--owner", " "), "owner id must not be empty");
    assertUsageError(CliRunner.run("acquire", "a", "--peers", PEERS, "--owner", "w1", "--ttl", "soon"), "--ttl");
    assertUsageError(CliRunner.run("acquire", "a", "--peers", PEERS, "--owner", "w1", "--ttl", "0s"), "positive");
    assertUsageError(CliRunner.run("acquire", "a", "--peers", PEERS, "--owner", "w1", "--ttl", "50ms"), "100ms..1h");
    assertUsageError(CliRunner.run("acquire", "a", "--peers", PEERS, "--owner", "w1", "--ttl", "2h"), "100ms..1h");
    assertUsageError(CliRunner.run("acquire", "a", "--owner", "w1"), "no peers given");
  }

  @Test
  void putValidatesEpoch() {
    String file = tmp.toString();
    assertUsageError(CliRunner.run("put", "a", file, "--peers", PEERS, "--epoch", "-1"), "epoch must be >= 0");
    assertUsageError(CliRunner.run("put", "a", file, "--peers", PEERS, "--epoch", "latest"), "--epoch");
    assertUsageError(CliRunner.run("put", "a", file, "--peers", PEERS, "--no-create=maybe"), "--no-create");
  }

  @Test
  void watchValidatesItsOptions() {
    assertUsageError(CliRunner.run("watch", "a", "--peers", PEERS, "--count", "0"), "--count must be at least 1");
    assertUsageError(CliRunner.run("watch", "a", "--peers", PEERS, "--from", "-1"), "--from must be >= 0");
    assertUsageError(CliRunner.run("watch", "a", "--peers", PEERS, "--from", "x"), "--from");
    assertUsageError(CliRunner.run("watch", "../a", "--peers", PEERS, "--from", "0"), "..");
    assertUsageError(CliRunner.run("watch", "a"), "no peers given");
  }

  @Test
  void infoShowsARegisteredSegmentWithoutVersions() {
    SegmentDescription d = new SegmentDescription("jobs/a", new SegmentPolicy(3, 1L << 30), "", "", 0,
        Optional.empty(), List.of());
    String text = print(d);
    assertThat(text).contains("retain:        3", "max size:      1 GiB (1073741824 bytes)", "registered by: -",
        "owner:         none", "epoch:         0", "no versions yet");
    assertThat(Json.of(d).toString()).isEqualTo("{\"name\":\"jobs/a\",\"retain\":3,\"maxSize\":1073741824,"
        + "\"registeredBy\":null,\"owner\":null,\"epoch\":0,\"retainedVersions\":[]}");
  }

  @Test
  void infoShowsOwnerAndLatestVersion() {
    SegmentDescription d = new SegmentDescription("jobs/a", new SegmentPolicy(2, 1024), "ops", "w2", 4,
        Optional.of(new SegmentInfo("jobs/a", 7, 90, 12, 0xbeef, "n1")), List.of(6L, 7L));
    assertThat(print(d)).contains("registered by: ops", "owner:         w2", "epoch:         4", "version:       7",
        "revision:      90", "crc32c:        0000beef", "retained:      6, 7");
    assertThat(Json.of(d).toString()).isEqualTo("{\"name\":\"jobs/a\",\"version\":7,\"revision\":90,\"size\":12,"
        + "\"crc32c\":\"0000beef\",\"node\":\"n1\",\"retain\":2,\"maxSize\":1024,\"registeredBy\":\"ops\","
        + "\"owner\":\"w2\",\"epoch\":4,\"retainedVersions\":[6,7]}");
  }

  @Test
  void registerPrintsThePolicy() {
    SegmentDescription d = new SegmentDescription("jobs/a", new SegmentPolicy(5, 64L << 20), "ops", "", 0,
        Optional.empty(), List.of());
    assertThat(RegisterCommand.describe(d)).isEqualTo("jobs/a: retain 5, max size 64 MiB (67108864 bytes), registered by ops");
    assertThat(Json.registration(d).toString()).isEqualTo("{\"name\":\"jobs/a\",\"retain\":5,\"maxSize\":67108864,"
        + "\"registeredBy\":\"ops\",\"owner\":null,\"epoch\":0}");
  }

  private static String print(SegmentDescription d) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    InfoCommand.print(d, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
