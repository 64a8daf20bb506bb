package io.ckpt.harness.bench.ratis;

import io.ckpt.client.PeerAddress;
import io.ckpt.server.node.NodeOptions;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * One bare Ratis node as a process, until it is killed:
 * {@code AckServerMain --id ID --peers ID=HOST:PORT,... --dir DIR [-D KEY=VALUE]...}, the
 * arguments of {@code ckpt server}. It also ends when the process that started it ends, which
 * a benchmark killed outright (no shutdown hooks) would otherwise leave behind.
 */
public final class AckServerMain {
  private AckServerMain() {}

  public static void main(String[] args) throws Exception {
    NodeOptions options;
    try {
      options = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("AckServerMain: " + e.getMessage());
      System.err.println("usage: AckServerMain --id ID --peers ID=HOST:PORT,... --dir DIR [-D KEY=VALUE]...");
      System.exit(1);
      return;
    }
    AckNode node = AckNode.start(options);
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
    System.out.println("bare Ratis node " + options.id() + " started on " + options.self().address());
    new CountDownLatch(1).await();
  }

  static NodeOptions parse(String[] args) {
    String id = null;
    String peers = null;
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
      return new NodeOptions(id, PeerAddress.parseList(peers), Path.of(dir), properties);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }
}
