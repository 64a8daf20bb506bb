package io.ckpt.server.cli;

import io.ckpt.client.CheckpointClient;
import io.ckpt.client.SegmentDescription;
import io.ckpt.client.SegmentPolicy;
import io.ckpt.client.util.Sizes;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ckpt register NAME [--retain K] [--max-size SIZE] [--by WHO]}: registers a segment with
 * its policy and prints the policy in force. Registering again with the same policy is a no-op;
 * with another policy it is a conflict (exit 3).
 */
@Command(name = "register", mixinStandardHelpOptions = true,
    description = {"Register a segment and its policy before its first version; print the policy.",
        "Registering again with the same policy changes nothing; with another policy it is a conflict (exit 3)."})
final class RegisterCommand implements Callable<Integer> {
  @Mixin private ClientOptions client;

  @Parameters(index = "0", paramLabel = "NAME", description = "The segment name.")
  private String name;

  @Option(names = "--retain", paramLabel = "K", defaultValue = "0",
      description = "Keep the last K versions, 1..1000 (default: 0, the cluster's default).")
  private int retain;

  @Option(names = "--max-size", paramLabel = "SIZE", defaultValue = "0", converter = SizeConverter.class,
      description = "The largest version allowed, e.g. 64MiB, 1GiB (default: 0, the cluster's default).")
  private long maxSize;

  @Option(names = "--by", paramLabel = "WHO", description = "Who registers it (recorded and shown by info).")
  private String by;

  @Override
  public Integer call() {
    SegmentPolicy policy = new SegmentPolicy(retain, maxSize);
    SegmentDescription d;
    try (CheckpointClient c = client.connect()) {
      d = c.register(name, policy, by);
    }
    client.root().out().println(client.json() ? Json.registration(d).toString() : describe(d));
    return Errors.OK;
  }

  /** One line: {@code NAME: retain K, max size S, registered by WHO}. */
  static String describe(SegmentDescription d) {
    long max = d.policy().maxSize();
    return d.name() + ": retain " + d.policy().retain() + ", max size " + Sizes.format(max) + " (" + max + " bytes)"
        + (d.registeredBy().isEmpty() ? "" : ", registered by " + d.registeredBy());
  }
}
