package io.ckpt.client;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One node of a cluster: its id, its Raft (gRPC) address and, if it takes Ratis DataStream
 * streams, their port. Written {@code ID=HOST:PORT}, or {@code ID=HOST:PORT/STREAM_PORT} for a
 * node that takes streams: when every node of a client's peers has a stream port, the client
 * sends the bytes of chunked uploads as streams to every node instead of through the Raft log.
 *
 * @param id node id, e.g. {@code n1}
 * @param host host name or address
 * @param port TCP port of Raft and of ckpt's requests
 * @param streamPort TCP port of the node's DataStream server on the same host, 0 for none
 */
public record PeerAddress(String id, String host, int port, int streamPort) {
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

  public PeerAddress {
    if (id == null || !ID.matcher(id).matches()) {
      throw new InvalidRequestException("bad node id '" + id + "': use 1-64 of [A-Za-z0-9_.-]");
    }
    if (host == null || host.isBlank()) {
      throw new InvalidRequestException("node " + id + " has an empty host");
    }
    if (port < 1 || port > 65535) {
      throw new InvalidRequestException("node " + id + " has a bad port " + port);
    }
    if (streamPort < 0 || streamPort > 65535) {
      throw new InvalidRequestException("node " + id + " has a bad stream port " + streamPort);
    }
    if (streamPort == port) {
      throw new InvalidRequestException("node " + id + " has the same port " + port + " for Raft and for streams");
    }
  }

  /** A node without a stream port. */
  public PeerAddress(String id, String host, int port) {
    this(id, host, port, 0);
  }

  public String address() {
    return host + ":" + port;
  }

  /** Whether the node takes DataStream streams. */
  public boolean hasStreamPort() {
    return streamPort != 0;
  }

  /** {@code HOST:STREAM_PORT}; only for a node that {@link #hasStreamPort()}. */
  public String streamAddress() {
    if (!hasStreamPort()) {
      throw new IllegalStateException("node " + id + " has no stream port");
    }
    return host + ":" + streamPort;
  }

  @Override
  public String toString() {
    return id + "=" + address() + (hasStreamPort() ? "/" + streamPort : "");
  }

  /**
   * Parses {@code ID=HOST:PORT[/STREAM_PORT],...}: ids and addresses (stream addresses included)
   * must be unique.
   */
  public static List<PeerAddress> parseList(String spec) {
    if (spec == null || spec.isBlank()) {
      throw new InvalidRequestException("no peers given: expected ID=HOST:PORT,... (or set CKPT_PEERS)");
    }
    List<PeerAddress> peers = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    Set<String> addresses = new HashSet<>();
    for (String part : spec.split(",")) {
      PeerAddress peer = parse(part.trim());
      if (!ids.add(peer.id())) {
        throw new InvalidRequestException("node id " + peer.id() + " appears twice in peers");
      }
      if (!addresses.add(peer.address())) {
        throw new InvalidRequestException("address " + peer.address() + " appears twice in peers");
      }
      if (peer.hasStreamPort() && !addresses.add(peer.streamAddress())) {
        throw new InvalidRequestException("address " + peer.streamAddress() + " appears twice in peers");
      }
      peers.add(peer);
    }
    return List.copyOf(peers);
  }

  private static PeerAddress parse(String p) {
    int eq = p.indexOf('=');
    int slash = p.lastIndexOf('/');
    String hostPort = slash < 0 ? p : p.substring(0, slash);
    int colon = hostPort.lastIndexOf(':');
    if (eq <= 0 || colon <= eq + 1 || colon == hostPort.length() - 1 || slash == p.length() - 1) {
      throw new InvalidRequestException("bad peer '" + p + "': expected ID=HOST:PORT or ID=HOST:PORT/STREAM_PORT");
    }
    int port = port(hostPort.substring(colon + 1), "port", p);
    int streamPort = slash < 0 ? 0 : port(p.substring(slash + 1), "stream port", p);
    if (slash >= 0 && streamPort == 0) {
      throw new InvalidRequestException("bad stream port in peer '" + p + "'");
    }
    return new PeerAddress(p.substring(0, eq), hostPort.substring(eq + 1, colon), port, streamPort);
  }

  private static int port(String s, String what, String peer) {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      throw new InvalidRequestException("bad " + what + " in peer '" + peer + "'");
    }
  }

  /** The inverse of {@link #parseList}. */
  public static String format(List<PeerAddress> peers) {
    return String.join(",", peers.stream().map(PeerAddress::toString).toList());
  }

  /** Whether every one of {@code peers} takes streams (what a client needs to stream to them). */
  public static boolean allTakeStreams(List<PeerAddress> peers) {
    return !peers.isEmpty() && peers.stream().allMatch(PeerAddress::hasStreamPort);
  }
}
