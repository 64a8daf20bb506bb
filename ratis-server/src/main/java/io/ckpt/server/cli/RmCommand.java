package io.ckpt.server.cli;

import io.ckpt.client.CheckpointClient;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ckpt rm NAME [--expect-version V]}: removes every version of a segment. */
@Command(name = "rm", mixinStandardHelpOptions = true, description = "Remove every version of a segment.")
final class RmCommand implements Callable<Integer> {
  @Mixin private ClientOptions client;

  @Parameters(index = "0", paramLabel = "NAME", description = "The segment name.")
  private String name;

  @Option(names = "--expect-version", paramLabel = "V", description = "Remove only if the current version is V.")
  private Long expectVersion;

  @Override
  public Integer call() {
    try (CheckpointClient c = client.connect()) {
      c.delete(name, expectVersion == null ? OptionalLong.empty() : OptionalLong.of(expectVersion));
    }
    if (client.json()) {
      client.root().out().println(Json.object().put("name", name).put("deleted", true));
    }
    return Errors.OK;
  }
}
