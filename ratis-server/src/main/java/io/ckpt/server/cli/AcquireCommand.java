package io.ckpt.server.cli;

import io.ckpt.client.CheckpointClient;
import io.ckpt.client.Lease;
import io.ckpt.client.OwnershipConflictException;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ckpt acquire NAME --owner ID [--ttl DURATION] [--force]}: makes ID the segment's owner
 * and prints the owner epoch, the fencing token for {@code put --epoch}. The command does not
 * renew the lease: it lasts the TTL unless the owner renews it (through the client library).
 * A segment owned by someone else (lease running) is a conflict, exit 3, unless {@code --force}.
 */
@Command(name = "acquire", mixinStandardHelpOptions = true,
    description = {"Make ID the owner of a segment and print its owner epoch (the fencing token for put --epoch).",
        "The lease is not renewed by this command: it lasts --ttl unless the owner renews it (e.g. through "
            + "the client library's renew), then the cluster expires it and bumps the epoch.",
        "A segment owned by someone else is a conflict (exit 3) unless --force takes it over, fencing the old owner."})
final class AcquireCommand implements Callable<Integer> {
  @Mixin private ClientOptions client;

  @Parameters(index = "0", paramLabel = "NAME", description = "The segment name.")
  private String name;

  @Option(names = "--owner", paramLabel = "ID", required = true, description = "The new owner's id.")
  private String owner;

  @Option(names = "--ttl", paramLabel = "DURATION", defaultValue = "10s", converter = ClientOptions.DurationConverter.class,
      description = "The lease's time to live, 100ms..1h (default: ${DEFAULT-VALUE}).")
  private Duration ttl;

  @Option(names = "--force", description = "Take over even if someone else owns it (their writes are fenced).")
  private boolean force;

  @Override
  public Integer call() {
    Lease lease;
    try (CheckpointClient c = client.connect()) {
      lease = c.acquire(name, owner, ttl, force);
    } catch (OwnershipConflictException e) {
      throw new Errors.Failure(Errors.CONFLICT, name + " is owned by " + e.owner() + " (epoch " + e.epoch()
          + "); use --force to take over, or wait for its lease to expire");
    }
    client.root().out().println(client.json()
        ? Json.object().put("name", lease.name()).put("owner", lease.owner()).put("epoch", lease.epoch()).toString()
        : Long.toString(lease.epoch()));
    return Errors.OK;
  }
}
