package io.ckpt.client;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One node of a cluster: its id and its Raft (gRPC) address.
 *
 * @param id node id, e.g. {@code n1}
 * @param host host name or address
 * @param port TCP port
 */
public record PeerAddress(String id, String host, int port) {
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
  }

  public String address() {
    return host + ":" + port;
  }

  @Override
  public String toString() {
    return id + "=" + address();
  }

  /** Parses {@code ID=HOST:PORT,ID=HOST:PORT,...}: ids and addresses must be unique. */
  public static List<PeerAddress> parseList(String spec) {
    if (spec == null || spec.isBlank()) {
      throw new InvalidRequestException("no peers given: expected ID=HOST:PORT,... (or set CKPT_PEERS)");
    }
    List<PeerAddress> peers = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    Set<String> addresses = new HashSet<>();
    for (String part : spec.split(",")) {
      String p = part.trim();
      int eq = p.indexOf('=');
      int colon = p.lastIndexOf(':');
      if (eq <= 0 || colon <= eq + 1 || colon == p.length() - 1) {
        throw new InvalidRequestException("bad peer '" + p + "': expected ID=HOST:PORT");
      }
      int port;
      try {
        port = Integer.parseInt(p.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new InvalidRequestException("bad port in peer '" + p + "'");
      }
      PeerAddress peer = new PeerAddress(p.substring(0, eq), p.substring(eq + 1, colon), port);
      if (!ids.add(peer.id())) {
        throw new InvalidRequestException("node id " + peer.id() + " appears twice in peers");
      }
      if (!addresses.add(peer.address())) {
        throw new InvalidRequestException("address " + peer.address() + " appears twice in peers");
      }
      peers.add(peer);
    }
    return List.copyOf(peers);
  }

  /** The inverse of {@link #parseList}. */
  public static String format(List<PeerAddress> peers) {
    return String.join(",", peers.stream().map(PeerAddress::toString).toList());
  }
}
