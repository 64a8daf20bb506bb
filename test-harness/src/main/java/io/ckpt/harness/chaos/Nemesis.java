package io.ckpt.harness.chaos;

import io.ckpt.harness.ProcessCluster;
import io.ckpt.harness.net.LinkTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Carries out a {@link FaultPlan} against a {@link ProcessCluster} whose peer links run through a
 * {@link LinkTable}: one fault at a time, healed when it has lasted its time, every step written
 * to the {@link Timeline}.
 */
final class Nemesis {
  private static final long RESET_EVERY_MS = 700;
  private final ProcessCluster cluster;
  private final LinkTable links;
  private final Supplier<Optional<String>> leader;
  private final Timeline timeline;
  private final Random random;
  private final List<String> nodes;
  private final Set<String> down = new HashSet<>();
  private final Set<String> frozen = new HashSet<>();
  private int injected;
  private boolean active;
  private final List<String> unexpectedExits = new ArrayList<>();

  Nemesis(ProcessCluster cluster, LinkTable links, Supplier<Optional<String>> leader, Timeline timeline, long seed) {
    this.cluster = cluster;
    this.links = links;
    this.leader = leader;
    this.timeline = timeline;
    this.random = new Random(seed ^ 0x5deece66dL);
    this.nodes = cluster.peers().stream().map(p -> p.id()).toList();
  }

  /** Faults injected so far. */
  synchronized int injected() {
    return injected;
  }

  /** Runs the plan from {@code startNanos} until it ends or {@code stop} says so; heals everything at the end. */
  void run(FaultPlan plan, long startNanos, BooleanSupplier stop) throws InterruptedException {
    try {
      for (Fault f : plan.faults()) {
        if (!sleepUntil(startNanos + f.at().toNanos(), stop)) {
          return;
        }
        List<String> targets = pick(f);
        timeline.event("fault  " + f.describe() + " -> " + targets);
        synchronized (this) {
          injected++;
        }
        synchronized (this) {
          active = true;
        }
        try {
          start(f, targets);
        } catch (RuntimeException e) {
          // A node that died on its own cannot be frozen or signalled: note it and carry on.
          timeline.event("       could not inject: " + e.getMessage());
        }
        if (f.kind() != Fault.Kind.RESET && !links.describe().equals("none")) {
          timeline.event("       network: " + links.describe());
        }
        long healAt = System.nanoTime() + f.lasting().toNanos();
        if (f.kind() == Fault.Kind.RESET) {
          while (System.nanoTime() < healAt && !stop.getAsBoolean()) {
            links.resetAll();
            Thread.sleep(RESET_EVERY_MS);
          }
        } else {
          sleepUntil(healAt, stop);
        }
        healAll();
      }
    } finally {
      healAll();
    }
  }

  private List<String> pick(Fault f) {
    List<String> order = new ArrayList<>(nodes);
    Collections.shuffle(order, random);
    Optional<String> l = f.leader() ? leader.get() : Optional.empty();
    l.ifPresent(id -> {
      order.remove(id);
      order.add(0, id);
    });
    return List.copyOf(order.subList(0, Math.min(f.targets(), order.size())));
  }

  private void start(Fault f, List<String> targets) {
    List<String> others = nodes.stream().filter(n -> !targets.contains(n)).toList();
    switch (f.kind()) {
      case KILL -> targets.forEach(id -> {
        cluster.kill(id);
        down.add(id);
      });
      case RESTART -> targets.forEach(id -> {
        cluster.stop(id);
        down.add(id);
      });
      case CORRUPT_STORE -> targets.forEach(id -> {
        // After a crash the store is rebuilt anyway; after a clean stop it would be reused, so
        // the node must notice that its files no longer match the seal it wrote.
        boolean clean = random.nextBoolean();
        if (clean) {
          cluster.stop(id);
        } else {
          cluster.kill(id);
        }
        down.add(id);
        timeline.event("       " + (clean ? "stopped cleanly" : "killed") + ", flipped bytes in "
            + flipStoreBytes(cluster.nodeDir(id).resolve("store")));
      });
      case FREEZE -> targets.forEach(id -> {
        cluster.freeze(id);
        frozen.add(id);
      });
      case PARTITION -> links.partition(List.of(Set.copyOf(targets), Set.copyOf(others)));
      // targets = the bridge node; the others split in two halves that see only the bridge.
      case BRIDGE -> links.bridge(Set.copyOf(others.subList(0, others.size() / 2)), targets.get(0),
          Set.copyOf(others.subList(others.size() / 2, others.size())));
      case ONE_WAY -> targets.forEach(t -> others.forEach(o -> links.block(t, o)));
      case DELAY -> targets.forEach(t -> others.forEach(o -> {
        links.delay(t, o, f.delayMs(), f.delayMs() / 4);
        links.delay(o, t, f.delayMs(), f.delayMs() / 4);
      }));
      case RESET -> { }
    }
  }

  /**
   * Ends every fault: links pass, frozen nodes continue, stopped nodes start again. A node whose
   * process ended although no fault stopped it is reported (it crashed or refused to start: its
   * log says why) and started again.
   */
  synchronized void healAll() {
    links.heal();
    frozen.forEach(cluster::resume);
    frozen.clear();
    down.forEach(cluster::start);
    down.clear();
    if (active) {
      timeline.event("heal");
      active = false;
    }
    for (String id : nodes) {
      if (!cluster.isAlive(id)) {
        String exit = cluster.exitStatus(id);
        unexpectedExits.add(id + " (" + exit + ")");
        timeline.event("       " + id + " had ended on its own (" + exit + "): restarting it");
        cluster.start(id);
      }
    }
  }

  /** Nodes whose process ended while no fault was stopping them, with how they ended. */
  synchronized List<String> unexpectedExits() {
    return List.copyOf(unexpectedExits);
  }

  /** Flips a few bytes at random places in a random Chronicle file of the store; says where. */
  private String flipStoreBytes(Path storeDir) {
    try (Stream<Path> files = Files.list(storeDir)) {
      List<Path> maps = files.filter(p -> p.toString().endsWith(".cmap")).sorted().toList();
      if (maps.isEmpty()) {
        return "nothing (no store files yet)";
      }
      Path file = maps.get(random.nextInt(maps.size()));
      List<Long> offsets = new ArrayList<>();
      try (var ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.READ,
          java.nio.file.StandardOpenOption.WRITE)) {
        for (int i = 0; i < 8; i++) {
          long at = (long) (random.nextDouble() * ch.size());
          java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(1);
          ch.read(b, at);
          b.put(0, (byte) (b.get(0) ^ (1 << random.nextInt(8))));
          b.rewind();
          ch.write(b, at);
          offsets.add(at);
        }
      }
      return file.getFileName() + " at " + offsets;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean sleepUntil(long nanos, BooleanSupplier stop) throws InterruptedException {
    while (System.nanoTime() < nanos) {
      if (stop.getAsBoolean()) {
        return false;
      }
      Thread.sleep(Math.min(100, Math.max(1, (nanos - System.nanoTime()) / 1_000_000)));
    }
    return !stop.getAsBoolean();
  }
}
