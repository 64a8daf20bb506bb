package io.ckpt.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/** Picks currently free loopback ports (all held open until every one is chosen). */
public final class FreePorts {
  private FreePorts() {}

  /** The first of {@code n} consecutive free ports (for commands that take a base port). */
  public static int consecutive(int n) {
    java.util.Random random = new java.util.Random();
    for (int attempt = 0; attempt < 100; attempt++) {
      int base = 20_000 + random.nextInt(30_000);
      List<ServerSocket> sockets = new ArrayList<>();
      try {
        for (int i = 0; i < n; i++) {
          sockets.add(new ServerSocket(base + i, 1, InetAddress.getLoopbackAddress()));
        }
        return base;
      } catch (IOException busy) {
        // try another base
      } finally {
        for (ServerSocket s : sockets) {
          try {
            s.close();
          } catch (IOException ignored) {
            // closing a probe socket
          }
        }
      }
    }
    throw new IllegalStateException("no " + n + " consecutive free ports found");
  }

  /** Nodes n1..nN on 127.0.0.1, each on a free port. */
  public static List<io.ckpt.client.PeerAddress> loopbackPeers(int n) {
    return loopbackPeers(n, false);
  }

  /** Nodes n1..nN on 127.0.0.1, each on a free port and, with {@code streams}, a free stream port. */
  public static List<io.ckpt.client.PeerAddress> loopbackPeers(int n, boolean streams) {
    List<Integer> ports = pick(streams ? 2 * n : n);
    List<io.ckpt.client.PeerAddress> peers = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      peers.add(new io.ckpt.client.PeerAddress("n" + (i + 1), "127.0.0.1", ports.get(i), streams ? ports.get(n + i) : 0));
    }
    return List.copyOf(peers);
  }

  public static List<Integer> pick(int n) {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        s.setReuseAddress(true);
        sockets.add(s);
      }
      return sockets.stream().map(ServerSocket::getLocalPort).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      for (ServerSocket s : sockets) {
        try {
          s.close();
        } catch (IOException ignored) {
          // closing a probe socket
        }
      }
    }
  }
}
