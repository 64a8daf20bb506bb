package io.ckpt.harness.bench.results;

import io.ckpt.harness.bench.systems.BenchTarget.Operation;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** What the clients of a benchmark cell do, each on its own key. */
public enum Workload {
  /** Every operation writes a new version of the client's key. */
  WRITE("write", "writes", Set.of(Operation.WRITE), false),
  /** Linearizable reads of the client's key. */
  READ("read", "linearizable reads", Set.of(Operation.READ_LINEARIZABLE), true),
  /** Stale reads of the client's key, served by a follower. */
  READ_STALE("read-stale", "stale reads from a follower", Set.of(Operation.READ_STALE), true),
  /** Nine linearizable reads, then one write, of the client's key, over and over. */
  MIXED("mixed", "90 % linearizable reads, 10 % writes", Set.of(Operation.READ_LINEARIZABLE, Operation.WRITE), true),
  /** A replacement fences the previous owner of the client's key and loads its latest value. */
  TAKEOVER("takeover", "takeovers (fence the previous owner, load the latest value)", Set.of(Operation.TAKEOVER), true);

  private final String id;
  private final String title;
  private final Set<Operation> operations;
  private final boolean needsData;

  Workload(String id, String title, Set<Operation> operations, boolean needsData) {
    this.id = id;
    this.title = title;
    this.operations = operations;
    this.needsData = needsData;
  }

  /** The name on the command line and in results: {@code write}, {@code read-stale}, ... */
  public String id() {
    return id;
  }

  /** What one operation is, for reports. */
  public String title() {
    return title;
  }

  /** The target operations this workload calls. */
  public Set<Operation> operations() {
    return operations;
  }

  /** Whether every client's key must hold a value of the cell's size before the cell starts. */
  public boolean needsData() {
    return needsData;
  }

  /**
   * The key client {@code client} uses. Reads of both kinds share keys (and so their preloaded
   * values); other workloads have keys of their own, so that e.g. an owner set by takeovers
   * never meets plain writes.
   */
  public String key(int client) {
    String family = switch (this) {
      case WRITE -> "w";
      case READ, READ_STALE -> "r";
      case MIXED -> "m";
      case TAKEOVER -> "t";
    };
    return "bench/" + family + "/c" + client;
  }

  /** @throws IllegalArgumentException naming the known workloads */
  public static Workload byId(String id) {
    String s = id.trim().toLowerCase(Locale.ROOT);
    for (Workload w : values()) {
      if (w.id.equals(s)) {
        return w;
      }
    }
    throw new IllegalArgumentException("unknown workload '" + id + "' (known: "
        + Arrays.stream(values()).map(Workload::id).collect(Collectors.joining(", ")) + ")");
  }
}
