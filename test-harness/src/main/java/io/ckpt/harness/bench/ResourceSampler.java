package io.ckpt.harness.bench;

import io.ckpt.harness.bench.results.CellResult.Resources;
import io.ckpt.harness.bench.systems.BenchTarget;
import java.util.ArrayList;
import java.util.List;

/**
 * Samples what a target's node processes use over a measured window: the largest resident set
 * seen (polled), bytes written to storage (the counters' differences over the window: the
 * processes' own, and the block device's), heap in use at the end, and this JVM's and the
 * machine's CPU.
 */
final class ResourceSampler {
  private static final long POLL_MILLIS = 250;
  private final List<ProcessHandle> nodes;
  private final boolean inThisJvm;
  private final Long[] written0;
  private final String device;
  private final Long device0;
  private final long[] maxRss;
  private final CpuMeter cpu;
  private final Thread poller;
  private volatile boolean stopped;

  private ResourceSampler(BenchTarget target, String device) {
    this.nodes = List.copyOf(target.nodeProcesses());
    this.inThisJvm = target.nodesInThisJvm();
    this.written0 = new Long[nodes.size()];
    this.maxRss = new long[nodes.size()];
    for (int i = 0; i < nodes.size(); i++) {
      written0[i] = ProcFs.writeBytes(nodes.get(i).pid());
    }
    this.device = device;
    this.device0 = ProcFs.deviceWrittenBytes(device);
    this.cpu = CpuMeter.start();
    this.poller = new Thread(this::poll, "bench-sampler");
    poller.setDaemon(true);
    pollOnce();
    poller.start();
  }

  /**
   * Starts sampling the target's nodes now, and block device {@code device} (a name in
   * {@code /proc/diskstats}; null for none).
   */
  static ResourceSampler start(BenchTarget target, String device) {
    return new ResourceSampler(target, device);
  }

  /** What was read when the window closed, and the heaps just after. */
  record Readings(boolean inThisJvm, List<Long> heapBytes, List<Long> rssBytes, Long diskWriteBytes,
      Long deviceWriteBytes, CpuMeter.Usage cpu) {
    Readings withHeaps(List<Long> heaps) {
      return new Readings(inThisJvm, heaps, rssBytes, diskWriteBytes, deviceWriteBytes, cpu);
    }

    Resources withPayload(long payloadWrittenBytes) {
      return new Resources(inThisJvm, heapBytes, rssBytes, diskWriteBytes, deviceWriteBytes, payloadWrittenBytes,
          cpu.processPercent(), cpu.machinePercent(), cpu.gcMillis());
    }
  }

  /** Ends the window: reads the counters and stops polling (heaps: see {@link #heaps()}). */
  Readings stop() throws InterruptedException {
    CpuMeter.Usage usage = cpu.stop();
    Long device1 = ProcFs.deviceWrittenBytes(device);
    Long deviceWritten = device0 == null || device1 == null ? null : device1 - device0;
    Long written = 0L;
    for (int i = 0; i < nodes.size(); i++) {
      Long w1 = ProcFs.writeBytes(nodes.get(i).pid());
      written = written == null || w1 == null || written0[i] == null ? null : written + (w1 - written0[i]);
    }
    stopped = true;
    poller.interrupt();
    poller.join(5_000);
    List<Long> rss = new ArrayList<>();
    synchronized (maxRss) {
      for (long r : maxRss) {
        rss.add(r > 0 ? r : null);
      }
    }
    return new Readings(inThisJvm, List.of(), rss, written, deviceWritten, usage);
  }

  /** Heap in use per node now (null where unknown); slow for other JVMs (one jcmd each). */
  List<Long> heaps() {
    List<Long> heap = new ArrayList<>();
    for (ProcessHandle p : nodes) {
      heap.add(ProcFs.heapUsedBytes(p));
    }
    return heap;
  }

  private void poll() {
    while (!stopped) {
      try {
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        return;
      }
      pollOnce();
    }
  }

  private void pollOnce() {
    for (int i = 0; i < nodes.size(); i++) {
      Long rss = ProcFs.rssBytes(nodes.get(i).pid());
      if (rss != null) {
        synchronized (maxRss) {
          maxRss[i] = Math.max(maxRss[i], rss);
        }
      }
    }
  }
}
