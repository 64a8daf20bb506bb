package io.ckpt.server.cli;

import io.ckpt.client.CheckpointClient;
import io.ckpt.client.PutOptions;
import io.ckpt.client.WriteResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ckpt put NAME [FILE|-] [--expect-version V] [--epoch E] [--no-create]}: writes a new
 * version; prints it. A stale {@code --epoch} is fenced (exit 3); {@code --no-create} on a
 * segment that is not registered is not found (exit 2).
 */
@Command(name = "put", mixinStandardHelpOptions = true,
    description = "Write a new version of a segment from FILE or stdin; print the committed version.")
final class PutCommand implements Callable<Integer> {
  @Mixin private ClientOptions client;

  @Parameters(index = "0", paramLabel = "NAME", description = "The segment name.")
  private String name;

  @Parameters(index = "1", paramLabel = "FILE", arity = "0..1", defaultValue = "-",
      description = "The bytes to write; '-' or absent for stdin.")
  private String file;

  @Option(names = "--expect-version", paramLabel = "V",
      description = "Commit only if the current version is V (0: the segment must not exist).")
  private Long expectVersion;

  @Option(names = "--epoch", paramLabel = "E",
      description = "Commit only while E is the segment's owner epoch (from acquire); a newer owner fences it (exit 3).")
  private Long epoch;

  @Option(names = "--no-create", description = "Fail (exit 2) if the segment is not registered instead of creating it.")
  private boolean noCreate;

  @Override
  public Integer call() throws IOException {
    PutOptions options = PutOptions.defaults();
    if (expectVersion != null) {
      options = options.expectVersion(expectVersion);
    }
    if (epoch != null) {
      options = options.epoch(epoch);
    }
    if (noCreate) {
      options = options.noCreate();
    }
    CkptCommand root = client.root();
    boolean stdin = "-".equals(file);
    Path path = stdin ? null : Path.of(file);
    if (path != null && !Files.isRegularFile(path)) {
      throw Errors.usage(Files.exists(path) ? file + " is not a regular file" : "no such file: " + file);
    }
    WriteResult w;
    try (CheckpointClient c = client.connect();
         ProgressBar bar = ProgressBar.forConsole(root.err(), "put " + name)) {
      // A file can be read again: a write whose stream meets an unreachable node starts over
      // through the log instead of failing.
      w = stdin ? c.put(name, root.in(), options, -1, bar) : c.put(name, path, options, bar);
    }
    root.out().println(client.json() ? Json.of(w).toString() : Long.toString(w.version()));
    return Errors.OK;
  }
}
