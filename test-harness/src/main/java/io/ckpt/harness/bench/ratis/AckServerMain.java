package io.ckpt.harness.bench.ratis;

import io.ckpt.client.PeerAddress;
import io.ckpt.server.node.NodeOptions;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * One bare Ratis node as a process, until it is killed:
 * {@code AckServerMain --id ID --peers ID=HOST:PORT,... --dir DIR [-D KEY=VALUE]...}, the
 * arguments of {@code ckpt server}, plus {@code --data-stream-peers ID=HOST:PORT,...} (every
 * node's data-stream address) for a node with DataStream. It also ends when the process that
 * started it ends, which a benchmark killed outright (no shutdown hooks) would otherwise leave
 * behind.
 */
public final class AckServerMain {
  private AckServerMain() {}

  /** A node's arguments: its options, and the data-stream addresses (empty without DataStream). */
  record Args(NodeOptions options, List<PeerAddress> dataStreamPeers) {}

  public static void main(String[] args) throws Exception {
    Args parsed;
    try {
      parsed = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("AckServerMain: " + e.getMessage());
      System.err.println("usage: AckServerMain --id ID --peers ID=HOST:PORT,... --dir DIR"
          + " [--data-stream-peers ID=HOST:PORT,...] [-D KEY=VALUE]...");
      System.exit(1);
      return;
    }
    NodeOptions options = parsed.options();
    AckNode node = AckNode.start(options, parsed.dataStreamPeers());
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        node.close();
      } catch (Exception e) {
        System.err.println("AckServerMain: closing node " + options.id() + ": " + e);
      }
    }, "ack-node-close"));
    ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> {
      System.err.println("AckServerMain: the process that started node " + options.id() + " ended; stopping");
      System.exit(0);
    }));
    System.out.println("bare Ratis node " + options.id() + " started on " + options.self().address()
        + (parsed.dataStreamPeers().isEmpty() ? ""
            : ", DataStream on port " + DataStreams.port(parsed.dataStreamPeers(), options.id())));
    new CountDownLatch(1).await();
  }

  static Args parse(String[] args) {
    String id = null;
    String peers = null;
    String dataStreamPeers = null;
    String dir = null;
    Map<String, String> properties = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : null;
      if (value == null) {
        throw new IllegalArgumentException("missing value after " + args[i]);
      }
      switch (args[i]) {
        case "--id" -> id = value;
        case "--peers" -> peers = value;
        case "--dir" -> dir = value;
        case "--data-stream-peers" -> dataStreamPeers = value;
        case "-D" -> {
          int eq = value.indexOf('=');
          if (eq <= 0) {
            throw new IllegalArgumentException("expected -D KEY=VALUE, got -D " + value);
          }
          properties.put(value.substring(0, eq), value.substring(eq + 1));
        }
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
      i++;
    }
    if (id == null || peers == null || dir == null) {
      throw new IllegalArgumentException("--id, --peers and --dir are required");
    }
    try {
      NodeOptions options = new NodeOptions(id, PeerAddress.parseList(peers), Path.of(dir), properties);
      return new Args(options, dataStreamPeers == null ? List.of() : PeerAddress.parseList(dataStreamPeers));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }
}
