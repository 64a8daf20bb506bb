package io.ckpt.server.cli;

import io.ckpt.client.PeerAddress;
import io.ckpt.server.node.CkptNode;
import io.ckpt.server.node.NodeOptions;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code ckpt server --id ID --peers ... --dir DIR}: one node in the foreground until signalled. */
@Command(name = "server", mixinStandardHelpOptions = true,
    description = "Run one node in the foreground until SIGTERM or Ctrl-C.")
final class ServerCommand implements Callable<Integer> {
  @Spec private CommandSpec spec;
  @Mixin private VerboseOption verbose;

  @Option(names = "--id", required = true, paramLabel = "ID", description = "This node's id (one of the peers).")
  private String id;

  @Option(names = "--peers", paramLabel = "ID=HOST:PORT,...",
      description = "Every node of the group, this one included (default: $" + ClientOptions.PEERS_ENV + "). "
          + "ID=HOST:PORT/STREAM_PORT gives a node a Ratis DataStream port: when every node has one, clients "
          + "send the bytes of chunked writes as streams instead of through the log.")
  private String peers;

  @Option(names = "--dir", required = true, paramLabel = "DIR", description = "The node's data directory.")
  private Path dir;

  @Option(names = {"-D", "--property"}, paramLabel = "KEY=VALUE",
      description = "A server property overriding its default (repeatable).")
  private Map<String, String> properties = new LinkedHashMap<>();

  @Override
  public Integer call() throws Exception {
    CkptCommand root = (CkptCommand) spec.root().userObject();
    String peerSpec = peers != null ? peers : root.env(ClientOptions.PEERS_ENV);
    if (peerSpec == null || peerSpec.isBlank()) {
      throw new ParameterException(spec.commandLine(),
          "no peers given: use --peers ID=HOST:PORT,... or set " + ClientOptions.PEERS_ENV);
    }
    List<PeerAddress> list = PeerAddress.parseList(peerSpec);
    NodeOptions options;
    try {
      options = new NodeOptions(id, list, dir, properties);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    DiskSpaceWait.untilFree(dir, CkptNode.diskSpaceToStart(options), root.err(), "node " + id);
    CkptNode node = CkptNode.start(options);
    root.err().println("node " + id + " serving on " + options.self().address());
    root.err().flush();
    Optional<String> stopped = Foreground.runUntilSignalledOrStopped(node, node.stoppedByItself(), root.err(), "node " + id);
    if (stopped.isPresent()) {
      // Not a zombie that answers nothing: exit, so a supervisor restarts the node once the cause is fixed.
      Foreground.closeWithin(node, Foreground.CLOSE_WAIT, root.err(), "node " + id);
      throw new Errors.Failure(Errors.UNAVAILABLE, "node " + id + " stopped: " + stopped.get()
          + "; it rebuilds its store from its log and its peers when started again");
    }
    return Errors.OK;
  }
}
