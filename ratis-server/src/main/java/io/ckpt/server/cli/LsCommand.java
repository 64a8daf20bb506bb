package io.ckpt.server.cli;

import io.ckpt.client.CheckpointClient;
import io.ckpt.client.SegmentInfo;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code ckpt ls [PREFIX]}: one line per segment, {@code NAME VERSION SIZE}. */
@Command(name = "ls", mixinStandardHelpOptions = true,
    description = "List segments (name, latest version, size in bytes), optionally under a name prefix.")
final class LsCommand implements Callable<Integer> {
  @Mixin private ClientOptions client;

  @Parameters(index = "0", paramLabel = "PREFIX", arity = "0..1", defaultValue = "",
      description = "Only names starting with PREFIX.")
  private String prefix;

  @Override
  public Integer call() {
    List<SegmentInfo> segments;
    try (CheckpointClient c = client.connect()) {
      segments = c.list(prefix);
    }
    PrintStream out = client.root().out();
    if (client.json()) {
      out.println(Json.object().raw("segments", Json.array(segments.stream().map(s -> Json.of(s).toString()).toList())));
    } else {
      for (SegmentInfo s : segments) {
        out.println(s.name() + " " + s.version() + " " + s.size());
      }
    }
    return Errors.OK;
  }
}
