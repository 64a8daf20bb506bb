package io.ckpt.server.cli;

import io.ckpt.client.CheckpointClient;
import io.ckpt.client.ReadOptions;
import io.ckpt.client.SegmentInfo;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ckpt get NAME [--version V] [-o FILE] [--node ID] [--stale]}: the bytes to stdout or
 * FILE; with {@code --json} the version's fields instead of the bytes.
 */
@Command(name = "get", mixinStandardHelpOptions = true,
    description = "Read a committed version of a segment (the latest by default).")
final class GetCommand implements Callable<Integer> {
  @Mixin private ClientOptions client;

  @Parameters(index = "0", paramLabel = "NAME", description = "The segment name.")
  private String name;

  @Option(names = "--version", paramLabel = "V", description = "Read version V (must still be retained).")
  private Long version;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Save the bytes to FILE.")
  private Path output;

  @Option(names = "--node", paramLabel = "ID", description = "Ask this node rather than the leader.")
  private String node;

  @Option(names = "--stale", description = "Read the node's applied state without a round trip (may lag).")
  private boolean stale;

  @Override
  public Integer call() throws IOException {
    ReadOptions options = ReadOptions.latest();
    if (version != null) {
      options = options.version(version);
    }
    if (node != null) {
      options = options.fromNode(node);
    }
    if (stale) {
      options = options.stale();
    }
    CkptCommand root = client.root();
    SegmentInfo info;
    try (CheckpointClient c = client.connect()) {
      if (output != null) {
        info = toFile(c, options, root);
      } else {
        OutputStream sink = client.json() ? OutputStream.nullOutputStream() : root.out();
        try (ProgressBar bar = ProgressBar.forConsole(root.err(), "get " + name)) {
          info = c.get(name, options, sink, bar);
        }
      }
    }
    if (client.json()) {
      root.out().println(Json.of(info));
    }
    root.out().flush();
    return Errors.OK;
  }

  /** Writes to a temporary file beside FILE and renames it into place once complete. */
  private SegmentInfo toFile(CheckpointClient c, ReadOptions options, CkptCommand root) throws IOException {
    Path target = output.toAbsolutePath();
    Path tmp = target.resolveSibling("." + target.getFileName() + ".ckpt-part");
    try {
      SegmentInfo info;
      try (OutputStream out = Files.newOutputStream(tmp);
           ProgressBar bar = ProgressBar.forConsole(root.err(), "get " + name)) {
        info = c.get(name, options, out, bar);
      }
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      return info;
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
