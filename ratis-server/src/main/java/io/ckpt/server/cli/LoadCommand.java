package io.ckpt.server.cli;

import io.ckpt.client.CheckpointClient;
import io.ckpt.client.SegmentInfo;
import io.ckpt.client.local.LocalStore;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ckpt load NAME --store DIR}: loads the latest committed version into a local store. */
@Command(name = "load", mixinStandardHelpOptions = true,
    description = "Load the latest committed version of a segment into a local store; print the version.")
final class LoadCommand implements Callable<Integer> {
  @Mixin private ClientOptions client;

  @Parameters(index = "0", paramLabel = "NAME", description = "The segment name.")
  private String name;

  @Option(names = "--store", paramLabel = "DIR", required = true,
      description = "The local store's directory (created if needed).")
  private Path store;

  @Override
  public Integer call() {
    CkptCommand root = client.root();
    SegmentInfo info;
    try (CheckpointClient c = client.connect();
         LocalStore local = LocalStore.open(store);
         ProgressBar bar = ProgressBar.forConsole(root.err(), "load " + name)) {
      info = c.load(name, local, bar);
    }
    root.out().println(client.json() ? Json.of(info).toString() : Long.toString(info.version()));
    return Errors.OK;
  }
}
