package io.ckpt.harness.check;

import io.ckpt.harness.history.Call;
import io.ckpt.harness.history.History;
import io.ckpt.harness.history.Op;
import io.ckpt.harness.history.Reply;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.TreeMap;

/**
 * A correct store, simulated: clients invoke random ops on a few keys, each op takes effect
 * atomically at a random instant between its invocation and its reply, and some writes lose
 * their reply (UNKNOWN, applied or not). Records through {@link History} with a simulated clock,
 * so the result is a valid history by construction.
 */
final class RegisterSimulation {
  private record Event(long time, long seq, Runnable action) {}

  private record Version(long version, long revision, long value) {}

  private static final class Key {
    long version;
    long value;
    long epoch;
    String owner = "";
    final TreeMap<Long, Version> byRevision = new TreeMap<>();
  }

  private final Random random;
  private final int keys;
  private final double unknownRate;
  private final boolean chaos;
  private final PriorityQueue<Event> events = new PriorityQueue<>(
      (a, b) -> a.time != b.time ? Long.compare(a.time, b.time) : Long.compare(a.seq, b.seq));
  private final Map<String, Key> state = new HashMap<>();
  private final long[] clock = {0};
  private final History history = new History(() -> clock[0]);
  private long seq;
  private long revision;
  private long nextValue = 1;

  private RegisterSimulation(long seed, int keys, double unknownRate, boolean chaos) {
    this.random = new Random(seed);
    this.keys = keys;
    this.unknownRate = unknownRate;
    this.chaos = chaos;
  }

  /** {@code clients} clients doing {@code opsPerClient} ops each over {@code keys} keys. */
  static List<Op> run(long seed, int clients, int opsPerClient, int keys, double unknownRate) {
    return run(seed, clients, opsPerClient, keys, unknownRate, false);
  }

  /**
   * As {@link #run}, with the chaos workload's mix instead: more writes and acquires, each
   * acquire by a new owner ({@code c<client>-<n>}) and mostly with force, now and then by the
   * client's previous owner again or without force; compare-and-set puts sometimes expect a
   * version next to the one last seen.
   */
  static List<Op> runChaos(long seed, int clients, int opsPerClient, int keys,
      double unknownRate) {
    return run(seed, clients, opsPerClient, keys, unknownRate, true);
  }

  private static List<Op> run(long seed, int clients, int opsPerClient, int keys,
      double unknownRate, boolean chaos) {
    RegisterSimulation sim = new RegisterSimulation(seed, keys, unknownRate, chaos);
    for (int c = 0; c < clients; c++) {
      sim.startClient(c, opsPerClient);
    }
    while (!sim.events.isEmpty()) {
      Event e = sim.events.poll();
      sim.clock[0] = e.time;
      e.action.run();
    }
    sim.history.close();
    return sim.history.ops();
  }

  private void at(long time, Runnable action) {
    events.add(new Event(time, seq++, action));
  }

  private long latency() {
    // mostly tens of microseconds, sometimes milliseconds
    return random.nextInt(10) == 0 ? 1 + random.nextInt(3_000_000) : 1 + random.nextInt(80_000);
  }

  private void startClient(int client, int remaining) {
    Map<String, Long> seenVersion = new HashMap<>();
    Map<String, Long> myEpoch = new HashMap<>();
    int[] owners = {0};
    Runnable[] next = new Runnable[1];
    int[] left = {remaining};
    next[0] = () -> {
      if (left[0]-- == 0) {
        return;
      }
      String key = "k" + random.nextInt(keys);
      Call call = chaos ? chaosCall(client, key, seenVersion, myEpoch, owners)
          : randomCall(client, key, seenVersion, myEpoch);
      long id = history.invoke(client, call);
      boolean write = call.kind() == Op.Kind.PUT || call.kind() == Op.Kind.ACQUIRE;
      boolean lost = write && random.nextDouble() < unknownRate;
      boolean failed = write && !lost && random.nextInt(200) == 0;
      long start = clock[0];
      if (failed) {
        at(start + latency(), () -> {
          history.complete(id, Reply.fail("rejected"));
          at(clock[0] + random.nextInt(20_000), next[0]);
        });
        return;
      }
      if (lost) {
        if (random.nextBoolean()) {
          at(start + latency() * (1 + random.nextInt(5)), () -> apply(call, client));
        }
        at(start + 5_000_000, next[0]); // the client times out and moves on
        return;
      }
      at(start + latency(), () -> {
        Reply reply = apply(call, client);
        remember(call, reply, seenVersion, myEpoch);
        at(clock[0] + latency(), () -> {
          history.complete(id, reply);
          at(clock[0] + random.nextInt(20_000), next[0]);
        });
      });
    };
    at(random.nextInt(10_000), next[0]);
  }

  private Call randomCall(int client, String key, Map<String, Long> seenVersion,
      Map<String, Long> myEpoch) {
    int dice = random.nextInt(100);
    long value = nextValue++;
    if (dice < 30) {
      return Call.put(key, value);
    }
    if (dice < 40) {
      return Call.put(key, value, seenVersion.getOrDefault(key, 0L), Op.NONE);
    }
    if (dice < 50) {
      return Call.put(key, value, Op.NONE, myEpoch.getOrDefault(key, 0L));
    }
    if (dice < 85) {
      return Call.read(key);
    }
    if (dice < 95) {
      return Call.staleRead(key);
    }
    return Call.acquire(key, "c" + client, random.nextBoolean());
  }

  private Call chaosCall(int client, String key, Map<String, Long> seenVersion,
      Map<String, Long> myEpoch, int[] owners) {
    int dice = random.nextInt(100);
    long value = nextValue++;
    long seen = seenVersion.getOrDefault(key, 0L);
    if (dice < 25) {
      return Call.put(key, value);
    }
    if (dice < 40) {
      long expect = random.nextInt(4) == 0 ? Math.max(0, seen + random.nextInt(3) - 1) : seen;
      return Call.put(key, value, expect, Op.NONE);
    }
    if (dice < 52) {
      return Call.put(key, value, Op.NONE, myEpoch.getOrDefault(key, 0L));
    }
    if (dice < 75) {
      return Call.read(key);
    }
    if (dice < 80) {
      return Call.staleRead(key);
    }
    int owner = random.nextInt(8) == 0 && owners[0] > 0 ? owners[0] : ++owners[0];
    return Call.acquire(key, "c" + client + "-" + owner, random.nextInt(8) > 0);
  }

  private static void remember(Call call, Reply reply, Map<String, Long> seenVersion,
      Map<String, Long> myEpoch) {
    if (reply.version() > 0 && call.kind() != Op.Kind.STALE_READ) {
      seenVersion.put(call.key(), reply.version());
    }
    if (reply.outEpoch() != Op.NONE) {
      myEpoch.put(call.key(), reply.outEpoch());
    }
  }

  /** The op takes effect now; returns the reply the store gives. */
  private Reply apply(Call call, int client) {
    Key k = state.computeIfAbsent(call.key(), x -> new Key());
    String node = "n" + (1 + random.nextInt(3));
    return switch (call.kind()) {
      case PUT -> {
        if (call.epoch() != Op.NONE && call.epoch() != k.epoch) {
          yield Reply.fenced(k.epoch).from(node);
        }
        if (call.expectVersion() != Op.NONE && call.expectVersion() != k.version) {
          yield Reply.conflict(k.version).from(node);
        }
        k.version++;
        k.value = call.value();
        revision++;
        k.byRevision.put(revision, new Version(k.version, revision, k.value));
        yield Reply.written(k.version, revision).from(node);
      }
      case READ -> {
        if (k.version == 0) {
          yield Reply.notFound().from(node);
        }
        yield Reply.read(k.version, k.byRevision.lastKey(), k.value).from(node);
      }
      case STALE_READ -> {
        long applied = Math.max(0, revision - random.nextInt(30));
        Map.Entry<Long, Version> v = k.byRevision.floorEntry(applied);
        yield (v == null ? Reply.staleNotFound(applied)
            : Reply.staleRead(applied, v.getValue().version(), v.getKey(), v.getValue().value()))
            .from(node);
      }
      case ACQUIRE -> {
        if (k.owner.equals(call.owner())) {
          yield Reply.acquired(k.epoch).from(node);
        }
        if (k.owner.isEmpty() || call.force()) {
          k.epoch++;
          k.owner = call.owner();
          yield Reply.acquired(k.epoch).from(node);
        }
        yield Reply.ownedByOther().from(node);
      }
    };
  }

  /**
   * A copy of {@code ops} with one READ more, invoked after an acknowledged put returned, that
   * sees the version before it.
   */
  static List<Op> withStaleReadInjected(List<Op> ops) {
    Map<String, Map<Long, Op>> acked = new HashMap<>();
    for (Op op : ops) {
      if (op.kind() == Op.Kind.PUT && op.outcome() == Op.Outcome.OK) {
        acked.computeIfAbsent(op.key(), k -> new HashMap<>()).put(op.version(), op);
      }
    }
    long maxId = ops.stream().mapToLong(Op::id).max().orElse(0);
    for (int i = ops.size() / 2; i < ops.size(); i++) {
      Op put = ops.get(i);
      if (put.kind() != Op.Kind.PUT || put.outcome() != Op.Outcome.OK) {
        continue;
      }
      Op before = acked.get(put.key()).get(put.version() - 1);
      if (before == null) {
        continue;
      }
      List<Op> out = new ArrayList<>(ops);
      out.add(Op.invoked(maxId + 1, 99, put.completeNanos() + 1, Call.read(put.key()))
          .completed(put.completeNanos() + 2,
              Reply.read(before.version(), before.revision(), before.value())));
      return out;
    }
    throw new IllegalStateException("no acknowledged put to read stale after");
  }
}
