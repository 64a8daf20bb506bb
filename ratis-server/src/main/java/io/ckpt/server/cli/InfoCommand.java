package io.ckpt.server.cli;

import io.ckpt.client.CheckpointClient;
import io.ckpt.client.SegmentInfo;
import io.ckpt.client.util.Sizes;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code ckpt info NAME}: the latest version's metadata. */
@Command(name = "info", mixinStandardHelpOptions = true,
    description = "Show the latest committed version of a segment: version, revision, size, CRC32C.")
final class InfoCommand implements Callable<Integer> {
  @Mixin private ClientOptions client;

  @Parameters(index = "0", paramLabel = "NAME", description = "The segment name.")
  private String name;

  @Override
  public Integer call() {
    SegmentInfo i;
    try (CheckpointClient c = client.connect()) {
      i = c.info(name);
    }
    PrintStream out = client.root().out();
    if (client.json()) {
      out.println(Json.of(i));
    } else {
      out.println("name:     " + i.name());
      out.println("version:  " + i.version());
      out.println("revision: " + i.revision());
      out.println("size:     " + Sizes.format(i.size()) + " (" + i.size() + " bytes)");
      out.println("crc32c:   " + i.crc32cHex());
      out.println("node:     " + i.node());
    }
    return Errors.OK;
  }
}
