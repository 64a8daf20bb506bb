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
 * The network of an n-node cluster: one {@link LinkProxy} per ordered pair of nodes (a link
 * {@code a->b} carries the connections {@code a} opens to {@code b}, both byte directions), and
 * the faults expressed over them: partitions, bridges, one-way blocks, delays and resets.
 * Thread-safe; every change of modes is logged with the resulting {@link #describe()}.
 */
public final class LinkTable implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(LinkTable.class);

  /** Where the proxy of one link listens and where it forwards to. */
  public record Endpoints(InetSocketAddress listen, InetSocketAddress target) {}

  private final List<String> nodes;
  private final Map<Link, LinkProxy> proxies;

  private LinkTable(List<String> nodes, Map<Link, LinkProxy> proxies) {
    this.nodes = nodes;
    this.proxies = proxies;
  }

  /** Starts a proxy for every ordered pair of {@code nodes}, at the endpoints given per link. */
  public static LinkTable start(List<String> nodes, BiFunction<String, String, Endpoints> endpoints) {
    return start(nodes, endpoints, 1, LinkProxy.DEFAULT_HOLD_LIMIT);
  }

  /** As {@link #start(List, BiFunction)}, with a jitter seed and the hold limit of each proxy. */
  public static LinkTable start(List<String> nodes, BiFunction<String, String, Endpoints> endpoints,
      long seed, int holdLimitBytes) {
    List<String> names = List.copyOf(nodes);
    if (new HashSet<>(names).size() != names.size() || names.size() < 2) {
      throw new IllegalArgumentException("need two or more distinct nodes: " + names);
    }
    Map<Link, LinkProxy> proxies = new LinkedHashMap<>();
    try {
      for (String from : names) {
        for (String to : names) {
          if (!from.equals(to)) {
            Link link = new Link(from, to);
            Endpoints e = endpoints.apply(from, to);
            long linkSeed = seed * 1_000_003L + proxies.size();
            proxies.put(link, LinkProxy.start(link.toString(), e.listen(), e.target(), linkSeed,
                holdLimitBytes));
          }
        }
      }
    } catch (RuntimeException e) {
      proxies.values().forEach(LinkProxy::close);
      throw e;
    }
    return new LinkTable(names, proxies);
  }

  public List<String> nodes() {
    return nodes;
  }

  /** The proxy of link {@code from->to} (for its address and stats). */
  public LinkProxy proxy(String from, String to) {
    LinkProxy proxy = proxies.get(new Link(from, to));
    if (proxy == null) {
      throw new IllegalArgumentException("no link " + from + "->" + to + " among " + nodes);
    }
    return proxy;
  }

  public LinkMode mode(String from, String to) {
    return proxy(from, to).mode();
  }

  /** Sets one link's mode. */
  public synchronized void set(String from, String to, LinkMode mode) {
    proxy(from, to).setMode(mode);
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
    for (Map.Entry<Link, LinkProxy> e : proxies.entrySet()) {
      boolean across = !sideOf.get(e.getKey().from()).equals(sideOf.get(e.getKey().to()));
      e.getValue().setMode(across ? LinkMode.BLOCK : LinkMode.PASS);
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
    for (Map.Entry<Link, LinkProxy> e : proxies.entrySet()) {
      int from = sideOf.get(e.getKey().from());
      int to = sideOf.get(e.getKey().to());
      e.getValue().setMode(from != 1 && to != 1 && from != to ? LinkMode.BLOCK : LinkMode.PASS);
    }
    changed();
  }

  /** Every link back to PASS. Held bytes then flow, as after a healed partition. */
  public synchronized void heal() {
    proxies.values().forEach(p -> p.setMode(LinkMode.PASS));
    changed();
  }

  /** Aborts the open connections of link {@code from->to} (RST to both ends); returns how many. */
  public int reset(String from, String to) {
    int n = proxy(from, to).reset();
    LOG.info("network: reset {}->{} ({} connection(s))", from, to, n);
    return n;
  }

  /** Aborts the open connections of every link; returns how many. */
  public int resetAll() {
    int n = 0;
    for (LinkProxy proxy : proxies.values()) {
      n += proxy.reset();
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
    return FaultDescription.describe(nodes, link -> proxies.get(link).mode());
  }

  /** The counters of every link. */
  public Map<Link, LinkStats> stats() {
    Map<Link, LinkStats> stats = new LinkedHashMap<>();
    proxies.forEach((link, proxy) -> stats.put(link, proxy.stats()));
    return stats;
  }

  /** Closes every proxy (and so every proxied connection). */
  @Override
  public void close() {
    proxies.values().forEach(LinkProxy::close);
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
