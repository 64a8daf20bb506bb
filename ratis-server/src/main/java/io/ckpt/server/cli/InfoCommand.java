package io.ckpt.server.cli;

import io.ckpt.client.CheckpointClient;
import io.ckpt.client.SegmentDescription;
import io.ckpt.client.SegmentInfo;
import io.ckpt.client.util.Sizes;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code ckpt info NAME}: a segment's policy, registrant, owner and epoch, and its latest
 * version's metadata. A registered segment without versions is shown as such (exit 0).
 */
@Command(name = "info", mixinStandardHelpOptions = true,
    description = {"Show a segment: its policy (retain, max size), who registered it, its owner and owner epoch,",
        "and the latest committed version (version, revision, size, CRC32C), or that it has no versions yet."})
final class InfoCommand implements Callable<Integer> {
  @Mixin private ClientOptions client;

  @Parameters(index = "0", paramLabel = "NAME", description = "The segment name.")
  private String name;

  @Override
  public Integer call() {
    SegmentDescription d;
    try (CheckpointClient c = client.connect()) {
      d = c.describe(name);
    }
    PrintStream out = client.root().out();
    if (client.json()) {
      out.println(Json.of(d));
    } else {
      print(d, out);
    }
    return Errors.OK;
  }

  /** The human-readable form: one {@code label: value} line per field. */
  static void print(SegmentDescription d, PrintStream out) {
    long max = d.policy().maxSize();
    out.println("name:          " + d.name());
    out.println("retain:        " + d.policy().retain());
    out.println("max size:      " + Sizes.format(max) + " (" + max + " bytes)");
    out.println("registered by: " + (d.registeredBy().isEmpty() ? "-" : d.registeredBy()));
    out.println("owner:         " + (d.owner().isEmpty() ? "none" : d.owner()));
    out.println("epoch:         " + d.epoch());
    if (d.latest().isEmpty()) {
      out.println("version:       no versions yet");
      return;
    }
    SegmentInfo i = d.latest().get();
    out.println("version:       " + i.version());
    out.println("revision:      " + i.revision());
    out.println("size:          " + Sizes.format(i.size()) + " (" + i.size() + " bytes)");
    out.println("crc32c:        " + i.crc32cHex());
    out.println("node:          " + i.node());
    out.println("retained:      " + d.retainedVersions().stream().map(String::valueOf).collect(Collectors.joining(", ")));
  }
}
