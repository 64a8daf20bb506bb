package io.ckpt.server.cli;

import io.ckpt.client.PeerAddress;
import io.ckpt.server.node.LocalCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ckpt local-cluster --nodes N --dir DIR [--base-port P] [--streams]}: nodes n1..nN in
 * this process on ports P, P+1, ... (with {@code --streams} also DataStream ports P+N, P+N+1,
 * ...); prints the {@code --peers} value as the first line of stdout once a leader is elected,
 * then runs until signalled.
 */
@Command(name = "local-cluster", mixinStandardHelpOptions = true,
    description = "Run N nodes in one process in the foreground; print the --peers value first.")
final class LocalClusterCommand implements Callable<Integer> {
  static final Duration LEADER_WAIT = Duration.ofSeconds(30);
  @Spec private CommandSpec spec;
  @Mixin private VerboseOption verbose;

  @Option(names = "--nodes", paramLabel = "N", defaultValue = "3", description = "Number of nodes, 1..9 (default: ${DEFAULT-VALUE}).")
  private int nodes;

  @Option(names = "--dir", required = true, paramLabel = "DIR", description = "Data directory; node nK uses DIR/nK.")
  private Path dir;

  @Option(names = "--base-port", paramLabel = "P", defaultValue = "9801", description = "Port of n1 (default: ${DEFAULT-VALUE}).")
  private int basePort;

  @Option(names = "--streams", description = "Give every node a DataStream port too (P+N, P+N+1, ...): clients "
      + "given the printed --peers send the bytes of chunked writes as streams instead of through the log.")
  private boolean streams;

  @Option(names = "--host", paramLabel = "HOST", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
  private String host;

  @Option(names = {"-D", "--property"}, paramLabel = "KEY=VALUE",
      description = "A server property overriding its default, for every node (repeatable).")
  private Map<String, String> properties = new LinkedHashMap<>();

  @Override
  public Integer call() throws Exception {
    if (nodes < 1 || nodes > 9) {
      throw new ParameterException(spec.commandLine(), "--nodes must be between 1 and 9, got " + nodes);
    }
    int ports = streams ? 2 * nodes : nodes;
    if (basePort < 1 || basePort + ports - 1 > 65535) {
      throw new ParameterException(spec.commandLine(), "--base-port " + basePort + " leaves no room for " + ports + " ports");
    }
    CkptCommand root = (CkptCommand) spec.root().userObject();
    List<PeerAddress> peers = LocalCluster.peers(nodes, host, basePort, streams);
    LocalCluster cluster = LocalCluster.start(peers, dir, properties);
    if (Foreground.awaitLeader(cluster.nodes(), LEADER_WAIT).isEmpty()) {
      root.err().println("ckpt: warning: no leader elected after " + LEADER_WAIT.toSeconds() + "s; still trying");
    }
    root.out().println(cluster.peersSpec());
    root.out().flush();
    root.err().println("local cluster of " + nodes + " nodes serving under " + dir + "; Ctrl-C to stop");
    root.err().flush();
    Foreground.runUntilSignalled(cluster, root.err(), "local cluster");
    return Errors.OK;
  }
}
