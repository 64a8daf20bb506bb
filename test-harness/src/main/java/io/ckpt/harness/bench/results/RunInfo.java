package io.ckpt.harness.bench.results;

import java.util.Map;

/**
 * One invocation of {@code ckpt bench}: its command line, the versions and the machine; one
 * line of {@code runs.jsonl}. Cells name the run that measured them.
 *
 * @param id unique per invocation (its start time plus a random suffix)
 * @param started when it started (ISO-8601, UTC)
 * @param command the exact command line
 * @param ckpt ckpt's git commit ({@code -dirty} with uncommitted changes) or jar version
 * @param ratis the Apache Ratis version
 * @param jdk the JDK that ran the benchmark (and the ckpt nodes)
 * @param os operating system and kernel version
 * @param cpus available processors
 * @param cpuModel the processor model, or empty
 * @param memoryBytes the machine's memory
 * @param loadAverage {@code /proc/loadavg}'s 1, 5 and 15 minute load averages at start
 * @param benchHeapBytes the benchmark JVM's maximum heap
 * @param workDir where the clusters kept their data
 * @param workDirFs that directory's file system type (e.g. ext4; tmpfs would make fsync free)
 * @param workDevice the block device under it (a {@code /proc/diskstats} name), or empty
 */
public record RunInfo(String id, String started, String command, String ckpt, String ratis, String jdk, String os,
    int cpus, String cpuModel, long memoryBytes, String loadAverage, long benchHeapBytes, String workDir,
    String workDirFs, String workDevice) {

  public String toJson() {
    return new JsonLine().put("run", id).put("started", started).put("command", command).put("ckpt", ckpt)
        .put("ratis", ratis).put("jdk", jdk).put("os", os).put("cpus", cpus).put("cpu_model", cpuModel)
        .put("memory_bytes", memoryBytes).put("load_average", loadAverage).put("bench_heap_bytes", benchHeapBytes)
        .put("work_dir", workDir).put("work_dir_fs", workDirFs)
        .put("work_device", workDevice).toString();
  }

  /** @throws IllegalArgumentException when the line is not such an object */
  public static RunInfo fromJson(String line) {
    Map<String, Object> m = JsonParser.object(line);
    if (!(m.get("run") instanceof String id)) {
      throw new IllegalArgumentException("not a run: field 'run' is missing");
    }
    return new RunInfo(id, s(m, "started"), s(m, "command"), s(m, "ckpt"), s(m, "ratis"), s(m, "jdk"), s(m, "os"),
        (int) n(m, "cpus"), s(m, "cpu_model"), n(m, "memory_bytes"), s(m, "load_average"), n(m, "bench_heap_bytes"),
        s(m, "work_dir"), s(m, "work_dir_fs"), s(m, "work_device"));
  }

  private static String s(Map<String, Object> m, String key) {
    return m.get(key) instanceof String v ? v : "";
  }

  private static long n(Map<String, Object> m, String key) {
    return m.get(key) instanceof Number v ? v.longValue() : 0;
  }
}
