package io.ckpt.harness.bench.results;

import io.ckpt.harness.bench.systems.Layout;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What one benchmark cell measured, or why it did not run; one line of {@code results.jsonl}.
 *
 * @param cell the matrix point
 * @param run the id of the invocation that measured it (see {@link RunInfo})
 * @param pass which pass of that invocation (1-based, see {@code ckpt bench --passes}); lines
 *     written before passes existed read as pass 1
 * @param status how the cell ended
 * @param reason why it was skipped or failed (null when it ran)
 * @param target the target's description: version and layout
 * @param windowSeconds length of the measured window
 * @param ops operations that completed without error inside the window
 * @param errors operations that failed inside the window
 * @param firstError the first failure's message, or null
 * @param bytes payload bytes moved by the {@code ops} (written, read or loaded)
 * @param latency call-to-return latency of the {@code ops} (null when none completed)
 * @param writeOps of the {@code ops}, the writes (the mixed workload reports them apart too)
 * @param writeLatency latency of the writes alone, for the mixed workload (else null)
 * @param resources what the nodes used over the window (null when the cell did not run)
 */
public record CellResult(Cell cell, String run, int pass, Status status, String reason, String target,
    double windowSeconds, long ops, long errors, String firstError, long bytes, Latency latency, long writeOps,
    Latency writeLatency, Resources resources) {

  /** How a cell ended. */
  public enum Status {
    /** Ran, no operation failed. */
    OK,
    /** Ran, some operations failed (counted in {@code errors}). */
    ERRORS,
    /** Not run: the target cannot do it, the value is too large for it, or it exceeds the memory bound. */
    SKIPPED,
    /** Could not run: the target did not start, or preparing the cell failed. */
    FAILED
  }

  /** Latency percentiles in milliseconds. */
  public record Latency(double p50Ms, double p99Ms, double p999Ms, double maxMs, double meanMs) {}

  /**
   * What the node processes used over a window.
   *
   * @param nodesInThisJvm whether the nodes ran in the benchmark's JVM (heap, RSS and disk
   *     figures are then this JVM's, load generator included)
   * @param heapBytes heap in use per node process at the end of the window (null: not a Java
   *     process, or unknown)
   * @param rssBytes the largest resident set seen per node process during the window
   * @param diskWriteBytes bytes the node processes caused to be written to storage during the
   *     window ({@code write_bytes} of {@code /proc/<pid>/io}, summed); null when unreadable
   * @param deviceWriteBytes bytes written to the block device holding the nodes' data during the
   *     window ({@code /proc/diskstats}): by the whole machine, other tenants included, and
   *     without the write-back of pages still dirty when the window closed; null when unknown
   * @param payloadWrittenBytes payload bytes of the writes acknowledged inside the window
   * @param jvmCpuPercent this JVM's CPU time as a share of all cores
   * @param machineCpuPercent the whole machine's busy share of all cores (other tenants too)
   * @param gcMillis this JVM's collector time over the window
   */
  public record Resources(boolean nodesInThisJvm, List<Long> heapBytes, List<Long> rssBytes, Long diskWriteBytes,
      Long deviceWriteBytes, long payloadWrittenBytes, double jvmCpuPercent, double machineCpuPercent, long gcMillis) {

    /** Disk bytes written per payload byte written, or null when nothing was written or unknown. */
    public Double diskPerPayload() {
      return perPayload(diskWriteBytes);
    }

    /** Device bytes written per payload byte written, or null. */
    public Double devicePerPayload() {
      return perPayload(deviceWriteBytes);
    }

    private Double perPayload(Long written) {
      return written == null || payloadWrittenBytes <= 0 ? null : written / (double) payloadWrittenBytes;
    }
  }

  /** @throws IllegalArgumentException when {@code pass} is below 1 */
  public CellResult {
    if (pass < 1) {
      throw new IllegalArgumentException("pass must be at least 1, not " + pass);
    }
  }

  /** A cell that was not run, and why. */
  public static CellResult skipped(Cell cell, String run, int pass, String target, String reason) {
    return new CellResult(cell, run, pass, Status.SKIPPED, reason, target, 0, 0, 0, null, 0, null, 0, null, null);
  }

  /** A cell that could not run, and why. */
  public static CellResult failed(Cell cell, String run, int pass, String target, String reason) {
    return new CellResult(cell, run, pass, Status.FAILED, reason, target, 0, 0, 0, null, 0, null, 0, null, null);
  }

  public boolean ran() {
    return status == Status.OK || status == Status.ERRORS;
  }

  public double opsPerSecond() {
    return windowSeconds > 0 ? ops / windowSeconds : 0;
  }

  /** Payload megabytes (10^6 bytes) per second. */
  public double mbPerSecond() {
    return windowSeconds > 0 ? bytes / windowSeconds / 1e6 : 0;
  }

  /** One JSON object (derived figures such as ops/s are included for other readers, and ignored on reading). */
  public String toJson() {
    JsonLine j = new JsonLine().put("run", run).put("pass", pass).put("system", cell.system())
        .put("layout", cell.layout().name()).put("workload", cell.workload().id()).put("size", cell.size())
        .put("clients", cell.clients()).put("status", status.name().toLowerCase(java.util.Locale.ROOT))
        .put("reason", reason).put("target", target).put("window_s", windowSeconds).put("ops", ops)
        .put("errors", errors).put("first_error", firstError).put("bytes", bytes).put("ops_per_s", opsPerSecond())
        .put("mb_per_s", mbPerSecond());
    latency(j, "", latency);
    j.put("write_ops", writeOps);
    latency(j, "write_", writeLatency);
    if (resources != null) {
      Resources r = resources;
      j.put("nodes_in_this_jvm", r.nodesInThisJvm()).put("heap_bytes", r.heapBytes()).put("rss_bytes", r.rssBytes())
          .put("disk_write_bytes", r.diskWriteBytes()).put("device_write_bytes", r.deviceWriteBytes())
          .put("payload_written_bytes", r.payloadWrittenBytes()).put("disk_per_payload", r.diskPerPayload())
          .put("device_per_payload", r.devicePerPayload()).put("jvm_cpu_pct", r.jvmCpuPercent())
          .put("machine_cpu_pct", r.machineCpuPercent()).put("gc_ms", r.gcMillis());
    }
    return j.toString();
  }

  private static void latency(JsonLine j, String prefix, Latency l) {
    if (l != null) {
      j.put(prefix + "p50_ms", l.p50Ms()).put(prefix + "p99_ms", l.p99Ms()).put(prefix + "p999_ms", l.p999Ms())
          .put(prefix + "max_ms", l.maxMs()).put(prefix + "mean_ms", l.meanMs());
    }
  }

  /**
   * Parses a line written by {@link #toJson()}.
   *
   * @throws IllegalArgumentException when the line is not such an object
   */
  public static CellResult fromJson(String line) {
    Map<String, Object> m = JsonParser.object(line);
    try {
      Cell cell = new Cell(str(m, "system"), Layout.valueOf(str(m, "layout")), Workload.byId(str(m, "workload")),
          num(m, "size").longValue(), num(m, "clients").intValue());
      Resources res = null;
      if (m.containsKey("rss_bytes")) {
        res = new Resources(Boolean.TRUE.equals(m.get("nodes_in_this_jvm")), longs(m.get("heap_bytes")),
            longs(m.get("rss_bytes")), optLong(m, "disk_write_bytes"), optLong(m, "device_write_bytes"), optLong(m, "payload_written_bytes") == null ? 0
            : optLong(m, "payload_written_bytes"), dbl(m, "jvm_cpu_pct"), dbl(m, "machine_cpu_pct"),
            optLong(m, "gc_ms") == null ? 0 : optLong(m, "gc_ms"));
      }
      return new CellResult(cell, str(m, "run"), pass(m),
          Status.valueOf(str(m, "status").toUpperCase(java.util.Locale.ROOT)), (String) m.get("reason"),
          (String) m.get("target"), dbl(m, "window_s"), num(m, "ops").longValue(), num(m, "errors").longValue(),
          (String) m.get("first_error"), num(m, "bytes").longValue(), latency(m, ""), num(m, "write_ops").longValue(),
          latency(m, "write_"), res);
    } catch (ClassCastException | NullPointerException e) {
      throw new IllegalArgumentException("not a benchmark result: " + e.getMessage(), e);
    }
  }

  /** Lines written before {@code --passes} existed have no pass: they were the only one. */
  private static int pass(Map<String, Object> m) {
    Object v = m.get("pass");
    if (v == null) {
      return 1;
    }
    if (!(v instanceof Long n) || n < 1 || n > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("field 'pass' is not a whole number of at least 1: " + v);
    }
    return n.intValue();
  }

  private static Latency latency(Map<String, Object> m, String prefix) {
    if (!m.containsKey(prefix + "p50_ms")) {
      return null;
    }
    return new Latency(dbl(m, prefix + "p50_ms"), dbl(m, prefix + "p99_ms"), dbl(m, prefix + "p999_ms"),
        dbl(m, prefix + "max_ms"), dbl(m, prefix + "mean_ms"));
  }

  private static String str(Map<String, Object> m, String key) {
    Object v = m.get(key);
    if (!(v instanceof String s)) {
      throw new IllegalArgumentException("field '" + key + "' is missing or not a string");
    }
    return s;
  }

  private static Number num(Map<String, Object> m, String key) {
    Object v = m.get(key);
    if (!(v instanceof Number n)) {
      throw new IllegalArgumentException("field '" + key + "' is missing or not a number");
    }
    return n;
  }

  private static double dbl(Map<String, Object> m, String key) {
    Object v = m.get(key);
    return v instanceof Number n ? n.doubleValue() : Double.NaN;
  }

  private static Long optLong(Map<String, Object> m, String key) {
    Object v = m.get(key);
    return v instanceof Number n ? n.longValue() : null;
  }

  private static List<Long> longs(Object v) {
    List<Long> out = new ArrayList<>();
    if (v instanceof List<?> l) {
      for (Object o : l) {
        out.add(o instanceof Number n ? n.longValue() : null);
      }
    }
    return out;
  }
}
