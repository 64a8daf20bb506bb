package io.ckpt.server.cli;

import io.ckpt.client.CheckpointClient;
import io.ckpt.client.NodeStatus;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code ckpt status}: every node's role and indexes; exit 4 when no reachable node leads. */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = "Show each node's role, term, commit and applied index; exit 4 if there is no leader.")
final class StatusCommand implements Callable<Integer> {
  @Mixin private ClientOptions client;

  @Override
  public Integer call() {
    List<NodeStatus> nodes;
    try (CheckpointClient c = client.connect()) {
      nodes = c.status();
    }
    PrintStream out = client.root().out();
    if (client.json()) {
      List<String> items = nodes.stream().map(n -> Json.object().put("id", n.id()).put("address", n.address())
          .put("role", n.role()).put("term", n.term()).put("commitIndex", n.commitIndex())
          .put("appliedIndex", n.appliedIndex()).toString()).toList();
      out.println(Json.object().raw("nodes", Json.array(items)));
    } else {
      String fmt = "%-8s %-22s %-11s %6s %12s %12s%n";
      out.printf(fmt, "ID", "ADDRESS", "ROLE", "TERM", "COMMIT", "APPLIED");
      for (NodeStatus n : nodes) {
        out.printf(fmt, n.id(), n.address(), n.role(), num(n.term()), num(n.commitIndex()), num(n.appliedIndex()));
      }
    }
    out.flush();
    if (nodes.stream().noneMatch(n -> "leader".equals(n.role()))) {
      long reachable = nodes.stream().filter(NodeStatus::reachable).count();
      throw new Errors.Failure(Errors.UNAVAILABLE,
          "no leader among " + reachable + " reachable of " + nodes.size() + " nodes");
    }
    return Errors.OK;
  }

  private static String num(long v) {
    return v < 0 ? "-" : Long.toString(v);
  }
}
