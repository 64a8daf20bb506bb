package io.ckpt.harness.net;

import java.io.Closeable;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The network of an n-node cluster: one link per ordered pair of nodes (a link {@code a->b}
 * carries the connections {@code a} opens to {@code b}, both byte directions), made of one
 * {@link LinkProxy} per port of {@code b} (its Raft port, and its stream port if it has one) that
 * always share one mode; and the faults expressed over them: partitions, bridges, one-way blocks,
 * delays and resets. Thread-safe; every change of modes is logged with the resulting
 * {@link #describe()}.
 */
public final class LinkTable implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(LinkTable.class);

  /** Where the proxy of one link listens and where it forwards to. */
  public record Endpoints(InetSocketAddress listen, InetSocketAddress target) {}

  private final List<String> nodes;
  /** Every link's proxies, one per port of its target; the first is its Raft port's. */
  private final Map<Link, List<LinkProxy>> proxies;

  private LinkTable(List<String> nodes, Map<Link, List<LinkProxy>> proxies) {
    this.nodes = nodes;
    this.proxies = proxies;
  }

  /** Starts a proxy for every ordered pair of {@code nodes}, at the endpoints given per link. */
  public static LinkTable start(List<String> nodes, BiFunction<String, String, Endpoints> endpoints) {
    return start(nodes, (from, to) -> List.of(endpoints.apply(from, to)), 1, LinkProxy.DEFAULT_HOLD_LIMIT);
  }

  /**
   * Starts the proxies of every ordered pair of {@code nodes}: one per endpoints the function
   * gives for the link (one per port of its target), each with a jitter seed of its own derived
   * from {@code seed} and the hold limit {@code holdLimitBytes}.
   */
  public static LinkTable start(List<String> nodes, BiFunction<String, String, List<Endpoints>> endpoints,
      long seed, int holdLimitBytes) {
    List<String> names = List.copyOf(nodes);
    if (new HashSet<>(names).size() != names.size() || names.size() < 2) {
      throw new IllegalArgumentException("need two or more distinct nodes: " + names);
    }
    Map<Link, List<LinkProxy>> proxies = new LinkedHashMap<>();
    try {
      int started = 0;
      for (String from : names) {
        for (String to : names) {
          if (!from.equals(to)) {
            Link link = new Link(from, to);
            List<Endpoints> ports = endpoints.apply(from, to);
            if (ports.isEmpty()) {
              throw new IllegalArgumentException("link " + link + " has no endpoints");
            }
            List<LinkProxy> linkProxies = new ArrayList<>();
            proxies.put(link, linkProxies);
            for (Endpoints e : ports) {
              String name = linkProxies.isEmpty() ? link.toString() : link + ":" + e.target().getPort();
              linkProxies.add(LinkProxy.start(name, e.listen(), e.target(), seed * 1_000_003L + started++,
                  holdLimitBytes));
            }
          }
        }
      }
    } catch (RuntimeException e) {
      proxies.values().forEach(list -> list.forEach(LinkProxy::close));
      throw e;
    }
    return new LinkTable(names, proxies);
  }

  public List<String> nodes() {
    return nodes;
  }

  /** The proxy of link {@code from->to}'s first port, its Raft port (for its address and stats). */
  public LinkProxy proxy(String from, String to) {
    return proxies(from, to).get(0);
  }

  /** Every proxy of link {@code from->to}, one per port of {@code to}, the Raft port's first. */
  public List<LinkProxy> proxies(String from, String to) {
    List<LinkProxy> link = proxies.get(new Link(from, to));
    if (link == null) {
      throw new IllegalArgumentException("no link " + from + "->" + to + " among " + nodes);
    }
    return List.copyOf(link);
  }

  public LinkMode mode(String from, String to) {
    return proxy(from, to).mode();
  }

  /** Sets one link's mode. */
  public synchronized void set(String from, String to, LinkMode mode) {
    setMode(proxies(from, to), mode);
    changed();
  }

  /** Blocks link {@code from->to} only (connections opened by {@code to} still work). */
  public void block(String from, String to) {
    set(from, to, LinkMode.BLOCK);
  }

  /** Sets link {@code from->to} back to PASS (also clearing a delay). */
  public void unblock(String from, String to) {
    set(from, to, LinkMode.PASS);
  }

  public void delay(String from, String to, long delayMs, long jitterMs) {
    set(from, to, LinkMode.delay(delayMs, jitterMs));
  }

  /**
   * Splits the cluster: every link between different sides is blocked, every link within a side
   * passes (clearing delays). The sides must name every node exactly once.
   */
  public synchronized void partition(Collection<? extends Set<String>> sides) {
    Map<String, Integer> sideOf = sides(sides);
    for (Map.Entry<Link, List<LinkProxy>> e : proxies.entrySet()) {
      boolean across = !sideOf.get(e.getKey().from()).equals(sideOf.get(e.getKey().to()));
      setMode(e.getValue(), across ? LinkMode.BLOCK : LinkMode.PASS);
    }
    changed();
  }

  /** Cuts {@code node} off from all others, both ways. */
  public void isolate(String node) {
    Set<String> rest = new HashSet<>(nodes);
    if (!rest.remove(node)) {
      throw new IllegalArgumentException("unknown node " + node);
    }
    partition(List.of(Set.of(node), rest));
  }

  /**
   * Partitions {@code left} from {@code right} while {@code bridge} still reaches both sides;
   * together they must name every node exactly once.
   */
  public synchronized void bridge(Set<String> left, String bridge, Set<String> right) {
    Map<String, Integer> sideOf = sides(List.of(left, Set.of(bridge), right));
    for (Map.Entry<Link, List<LinkProxy>> e : proxies.entrySet()) {
      int from = sideOf.get(e.getKey().from());
      int to = sideOf.get(e.getKey().to());
      setMode(e.getValue(), from != 1 && to != 1 && from != to ? LinkMode.BLOCK : LinkMode.PASS);
    }
    changed();
  }

  /** Every link back to PASS. Held bytes then flow, as after a healed partition. */
  public synchronized void heal() {
    proxies.values().forEach(link -> setMode(link, LinkMode.PASS));
    changed();
  }

  /** Aborts the open connections of link {@code from->to} (RST to both ends); returns how many. */
  public int reset(String from, String to) {
    int n = proxies(from, to).stream().mapToInt(LinkProxy::reset).sum();
    LOG.info("network: reset {}->{} ({} connection(s))", from, to, n);
    return n;
  }

  /** Aborts the open connections of every link; returns how many. */
  public int resetAll() {
    int n = 0;
    for (List<LinkProxy> link : proxies.values()) {
      for (LinkProxy proxy : link) {
        n += proxy.reset();
      }
    }
    LOG.info("network: reset all links ({} connection(s))", n);
    return n;
  }

  /**
   * The current faults in one short line, derived from the link modes, e.g.
   * {@code partition [n1 n2 | n3 n4 n5]}, {@code bridge n3 [n1 n2 | n4 n5]},
   * {@code block n1->n2 n3<->n4}, {@code delay n1->n3 200ms}, or {@code none}.
   */
  public synchronized String describe() {
    return FaultDescription.describe(nodes, link -> proxies.get(link).get(0).mode());
  }

  /** The counters of every link, summed over its ports. */
  public Map<Link, LinkStats> stats() {
    Map<Link, LinkStats> stats = new LinkedHashMap<>();
    proxies.forEach((link, ports) -> stats.put(link,
        ports.stream().map(LinkProxy::stats).reduce(LinkStats::plus).orElseThrow()));
    return stats;
  }

  /**
   * Bytes the proxies of port {@code index} (0: each link's first, its Raft port) of every link
   * forwarded to their targets; 0 if the links have no such port.
   */
  public long bytesToPort(int index) {
    return proxies.values().stream().filter(link -> link.size() > index)
        .mapToLong(link -> link.get(index).stats().bytesToTarget()).sum();
  }

  /** Closes every proxy (and so every proxied connection). */
  @Override
  public void close() {
    proxies.values().forEach(link -> link.forEach(LinkProxy::close));
  }

  private static void setMode(List<LinkProxy> link, LinkMode mode) {
    link.forEach(p -> p.setMode(mode));
  }

  private Map<String, Integer> sides(Collection<? extends Set<String>> sides) {
    Map<String, Integer> sideOf = new LinkedHashMap<>();
    int index = 0;
    for (Set<String> side : sides) {
      for (String node : side) {
        if (!nodes.contains(node) || sideOf.put(node, index) != null) {
          throw new IllegalArgumentException("unknown or repeated node " + node + " in " + sides);
        }
      }
      index++;
    }
    if (sideOf.size() != nodes.size()) {
      List<String> missing = new ArrayList<>(nodes);
      missing.removeAll(sideOf.keySet());
      throw new IllegalArgumentException("sides " + sides + " leave out " + missing);
    }
    return sideOf;
  }

  private void changed() {
    LOG.info("network: {}", describe());
  }
}
