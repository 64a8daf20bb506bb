package io.ckpt.harness;

import io.ckpt.client.PeerAddress;
import io.ckpt.harness.net.LinkProxy;
import io.ckpt.harness.net.LinkTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ckpt nodes as separate {@code ckpt server} processes (their own JVMs, heaps and data
 * directories) on loopback. Needs the built jar ({@code ratis-server/target/ckpt.jar}); the
 * project root comes from the {@code ckpt.home} system property (the test-harness pom sets it).
 */
public final class ProcessCluster implements AutoCloseable {
  /** Node i (0-based) sees the others through proxies bound on this address + i (see {@link #viewAddress}). */
  private static final int VIEW_ADDRESS_BASE = 0x7f4d0001; // 127.77.0.1
  private final Path dir;
  private final List<PeerAddress> peers;
  private final List<String> jvmArgs;
  private final Map<String, String> properties;
  private final boolean routed;
  private final Map<String, Process> running = new LinkedHashMap<>();

  private ProcessCluster(Builder b) {
    this.dir = b.dir != null ? TempDirs.createDirectories(b.dir) : TempDirs.create("ckpt-proc-");
    this.peers = FreePorts.loopbackPeers(b.nodes, b.streams);
    this.jvmArgs = List.copyOf(b.jvmArgs);
    this.properties = Map.copyOf(b.properties);
    this.routed = b.routed;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Starts {@code n} server processes, each JVM run with {@code jvmArgs} (e.g. {@code -Xmx256m}). */
  public static ProcessCluster start(int n, String... jvmArgs) {
    return builder().nodes(n).jvmArgs(jvmArgs).start();
  }

  /** Options of a {@link ProcessCluster}. */
  public static final class Builder {
    private int nodes = 3;
    private final List<String> jvmArgs = new ArrayList<>();
    private final Map<String, String> properties = new LinkedHashMap<>();
    private boolean routed;
    private boolean streams;
    private boolean startNodes = true;
    private Path dir;

    /** Gives every node a stream port too, so clients send chunked uploads as DataStream streams. */
    public Builder streams(boolean on) {
      this.streams = on;
      return this;
    }

    public Builder nodes(int n) {
      if (n < 1 || n > 9) {
        throw new IllegalArgumentException("nodes must be 1..9, not " + n);
      }
      this.nodes = n;
      return this;
    }

    public Builder jvmArgs(String... args) {
      jvmArgs.addAll(List.of(args));
      return this;
    }

    /** A server property ({@code ckpt server -D KEY=VALUE}) for every node. */
    public Builder property(String key, String value) {
      properties.put(key, value);
      return this;
    }

    /**
     * Routes every peer link through addresses of its own: node i reaches each port of node j
     * (Raft, and stream if the nodes have stream ports) at an address of the link, where the
     * caller must run the proxies: {@link #startLinks}. Clients still connect to the nodes
     * directly.
     */
    public Builder routedPeerLinks() {
      this.routed = true;
      return this;
    }

    /**
     * Keeps the nodes' data and logs in {@code dir} (created if missing; deleted on close)
     * instead of a fresh temporary directory, e.g. to put them on a chosen disk.
     */
    public Builder directory(Path dir) {
      this.dir = dir;
      return this;
    }

    /** Creates the cluster without starting its nodes (to set up proxies first). */
    public Builder deferStart() {
      this.startNodes = false;
      return this;
    }

    public ProcessCluster start() {
      ProcessCluster c = new ProcessCluster(this);
      if (startNodes) {
        c.startAll();
      }
      return c;
    }
  }

  /** Starts every node that is not running. */
  public synchronized void startAll() {
    try {
      for (PeerAddress p : peers) {
        if (!running.containsKey(p.id())) {
          start(p.id());
        }
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /**
   * Starts the proxies of every peer link (the nodes reach each other only through them), their
   * jitter seeded by {@code seed}. Only for a cluster built with {@link Builder#routedPeerLinks()}.
   */
  public LinkTable startLinks(long seed) {
    if (!routed) {
      throw new IllegalStateException("the peer links of this cluster are not routed");
    }
    return LinkTable.start(peers.stream().map(PeerAddress::id).toList(), this::linkEndpoints, seed,
        LinkProxy.DEFAULT_HOLD_LIMIT);
  }

  /**
   * The proxies of link {@code from->to}: for each port node {@code to} listens on (its Raft
   * port, then its stream port if it has one), where node {@code from} connects to reach it and
   * where it really listens.
   */
  private List<LinkTable.Endpoints> linkEndpoints(String from, String to) {
    PeerAddress target = peer(to);
    List<Integer> ports = target.hasStreamPort() ? List.of(target.port(), target.streamPort()) : List.of(target.port());
    return ports.stream().map(port -> new LinkTable.Endpoints(new InetSocketAddress(viewAddress(from), port),
        new InetSocketAddress(target.host(), port))).toList();
  }

  private String viewAddress(String node) {
    int ip = VIEW_ADDRESS_BASE + peers.indexOf(peer(node));
    return (ip >>> 24) + "." + (ip >>> 16 & 0xff) + "." + (ip >>> 8 & 0xff) + "." + (ip & 0xff);
  }

  private PeerAddress peer(String id) {
    return peers.stream().filter(p -> p.id().equals(id)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no node " + id));
  }

  public static Path home() {
    return Path.of(System.getProperty("ckpt.home", "..")).toAbsolutePath().normalize();
  }

  public static Path jar() {
    Path jar = home().resolve("ratis-server/target/ckpt.jar");
    if (!Files.exists(jar)) {
      throw new IllegalStateException(jar + " is missing: build with mvn package first");
    }
    return jar;
  }

  /** The JVM flags Chronicle Map needs (from the root pom's ckpt.jvm.flags). */
  public static List<String> chronicleFlags() {
    String flags = System.getProperty("ckpt.jvm.flags", "");
    return flags.isBlank() ? List.of() : Arrays.asList(flags.trim().split("\\s+"));
  }

  public List<PeerAddress> peers() {
    return peers;
  }

  public String peersSpec() {
    return PeerAddress.format(peers);
  }

  public Path dir() {
    return dir;
  }

  public synchronized void start(String id) {
    Process previous = running.get(id);
    if (previous != null && previous.isAlive()) {
      throw new IllegalStateException("node " + id + " is already running");
    }
    List<String> cmd = serverJavaCommand();
    String serverPeers = peersSpec();
    if (routed) {
      // The group's addresses name "localhost"; each node resolves it to its own view address,
      // where the proxies of its outgoing links listen. The node itself binds the real address.
      cmd.add("-Djdk.net.hosts.file=" + writeHostsFile(id));
      serverPeers = PeerAddress.format(peers.stream()
          .map(p -> new PeerAddress(p.id(), "localhost", p.port(), p.streamPort())).toList());
    }
    cmd.addAll(jvmArgs);
    cmd.addAll(List.of("-jar", jar().toString(), "server", "--id", id, "--peers", serverPeers,
        "--dir", dir.resolve(id).toString()));
    if (routed) {
      cmd.addAll(List.of("-D", "raft.grpc.server.host=" + peer(id).host()));
      if (peer(id).hasStreamPort()) {
        cmd.addAll(List.of("-D", "raft.netty.dataStream.host=" + peer(id).host()));
      }
    }
    properties.forEach((k, v) -> cmd.addAll(List.of("-D", k + "=" + v)));
    running.put(id, launch(cmd, dir.resolve(id + ".log")));
  }

  /**
   * The start of a server JVM's command line: this JVM's {@code java}, ckpt's JVM flags, and the
   * common-pool parallelism bin/ckpt gives servers (a one-thread common pool makes Ratis start a
   * thread per append). Mutable: callers append the rest.
   */
  public static List<String> serverJavaCommand() {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(chronicleFlags());
    cmd.add("-Djava.util.concurrent.ForkJoinPool.common.parallelism=2");
    return cmd;
  }

  /** Starts {@code cmd} with its stdout and stderr appended to {@code log}. */
  public static Process launch(List<String> cmd, Path log) {
    try {
      return new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Path writeHostsFile(String id) {
    Path hosts = dir.resolve(id + ".hosts");
    try {
      String self = java.net.InetAddress.getLocalHost().getHostName();
      Files.writeString(hosts, viewAddress(id) + " localhost " + self + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return hosts;
  }

  /** The data directory of a node (its {@code raft/} and {@code store/}). */
  public Path nodeDir(String id) {
    return dir.resolve(peer(id).id());
  }

  /** The ids of the nodes whose processes are running. */
  public synchronized List<String> runningIds() {
    return running.entrySet().stream().filter(e -> e.getValue().isAlive()).map(Map.Entry::getKey).toList();
  }

  /** SIGKILL: the process gets no chance to clean up. */
  public synchronized void kill(String id) {
    Process p = running.remove(id);
    if (p != null) {
      p.destroyForcibly();
      waitFor(p);
    }
  }

  /** SIGTERM: a clean shutdown. */
  public synchronized void stop(String id) {
    Process p = running.remove(id);
    if (p != null) {
      p.destroy();
      waitFor(p);
    }
  }

  public synchronized boolean isAlive(String id) {
    Process p = running.get(id);
    return p != null && p.isAlive();
  }

  /**
   * How a node's process ended ({@code exit 1} and the last line it printed), or
   * {@code running} / {@code not started}.
   */
  public synchronized String exitStatus(String id) {
    Process p = running.get(id);
    if (p == null) {
      return "not started";
    }
    if (p.isAlive()) {
      return "running";
    }
    String[] lines = log(id).strip().split("\n");
    return "exit " + p.exitValue() + ": " + lines[lines.length - 1];
  }

  /** The operating-system process id of a running node. */
  public synchronized long pid(String id) {
    Process p = running.get(id);
    if (p == null) {
      throw new IllegalStateException("node " + id + " is not running");
    }
    return p.pid();
  }

  /** SIGSTOP: the node freezes (no heartbeats, no replies) until {@link #resume}. */
  public void freeze(String id) {
    signal(pid(id), "STOP");
  }

  /** SIGCONT: a frozen node carries on. */
  public void resume(String id) {
    signal(pid(id), "CONT");
  }

  /** Sends a signal ({@code STOP}, {@code CONT}, {@code KILL}, ...) with {@code kill -<signal> <pid>}. */
  public static void signal(long pid, String signal) {
    try {
      Process k = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true).start();
      String out = new String(k.getInputStream().readAllBytes());
      if (!k.waitFor(30, java.util.concurrent.TimeUnit.SECONDS) || k.exitValue() != 0) {
        throw new IllegalStateException("kill -" + signal + " " + pid + " failed: " + out.trim());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while signalling " + pid, e);
    }
  }

  /** The node that reports itself leader (by {@code client.status()}), if exactly one does. */
  public static java.util.Optional<String> leader(io.ckpt.client.CheckpointClient client) {
    List<String> leaders = client.status().stream().filter(s -> s.role().equals("leader"))
        .map(io.ckpt.client.NodeStatus::id).toList();
    return leaders.size() == 1 ? java.util.Optional.of(leaders.get(0)) : java.util.Optional.empty();
  }

  /** The node's combined stdout and stderr so far. */
  public String log(String id) {
    try {
      return Files.readString(dir.resolve(id + ".log"));
    } catch (IOException e) {
      return "";
    }
  }

  /** Waits up to 30 s for a signalled process to end, then kills it. */
  public static void waitFor(Process p) {
    try {
      if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public synchronized void close() {
    for (String id : List.copyOf(running.keySet())) {
      kill(id);
    }
    TempDirs.deleteQuietly(dir);
  }
}
