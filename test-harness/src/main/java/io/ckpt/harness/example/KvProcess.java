package io.ckpt.harness.example;

import io.ckpt.harness.ProcessCluster;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A {@link KvService} run as its own JVM (for tests): its stdout is collected line by line (and
 * copied to {@code <dir>/<label>.out}), its stderr goes to {@code <dir>/<label>.err}, and lines can
 * be sent to its stdin. Its local store and ack journal live in {@code <dir>/<label>-store} and
 * {@code <dir>/<label>.ack}.
 */
public final class KvProcess implements AutoCloseable {
  private final String label;
  private final Path dir;
  private final Process process;
  private final List<String> lines = new ArrayList<>();
  private boolean eof;
  private final Thread reader;

  private KvProcess(String label, Path dir, Process process) {
    this.label = label;
    this.dir = dir;
    this.process = process;
    this.reader = new Thread(this::pump, "kv-out-" + label);
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts {@code KvService --mode <mode>} against {@code peers}; {@code args} are further options
   * (e.g. {@code --every 50}).
   */
  public static KvProcess start(String label, Path dir, String peers, String mode, String... args) {
    try {
      Files.createDirectories(dir);
      Path logback = dir.resolve("kv-logback.xml");
      if (!Files.exists(logback)) {
        Files.writeString(logback, """
            <configuration>
              <appender name="ERR" class="ch.qos.logback.core.ConsoleAppender">
                <target>System.err</target>
                <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{20} - %msg%n</pattern></encoder>
              </appender>
              <logger name="io.ckpt" level="INFO"/>
              <logger name="io.ckpt.client.CheckpointSession" level="DEBUG"/>
              <root level="WARN"><appender-ref ref="ERR"/></root>
            </configuration>
            """);
      }
      List<String> cmd = new ArrayList<>();
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      cmd.addAll(ProcessCluster.chronicleFlags());
      cmd.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
          "-Dlogback.configurationFile=" + logback, "-cp", System.getProperty("java.class.path"),
          KvService.class.getName(), "--mode", mode, "--peers", peers,
          "--store", dir.resolve(label + "-store").toString(), "--ack-file", ackFile(dir, label).toString()));
      cmd.addAll(List.of(args));
      Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve(label + ".err").toFile()))
          .start();
      return new KvProcess(label, dir, p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Path ackFile(Path dir, String label) {
    return dir.resolve(label + ".ack");
  }

  public String label() {
    return label;
  }

  public Path ackFile() {
    return ackFile(dir, label);
  }

  public Path storeDir() {
    return dir.resolve(label + "-store");
  }

  public long pid() {
    return process.pid();
  }

  public Process process() {
    return process;
  }

  private void pump() {
    Path log = dir.resolve(label + ".out");
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        Writer copy = Files.newBufferedWriter(log, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
            StandardOpenOption.APPEND)) {
      String line;
      while ((line = in.readLine()) != null) {
        copy.write(line + "\n");
        copy.flush();
        synchronized (this) {
          lines.add(line);
          notifyAll();
        }
      }
    } catch (IOException e) {
      // the process is gone
    } finally {
      synchronized (this) {
        eof = true;
        notifyAll();
      }
    }
  }

  /** The lines printed so far. */
  public synchronized List<String> lines() {
    return List.copyOf(lines);
  }

  /** The first stdout line matching {@code p} that is already there or comes within {@code timeout}. */
  public String awaitLine(Predicate<String> p, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (this) {
      int checked = 0;
      while (true) {
        for (; checked < lines.size(); checked++) {
          if (p.test(lines.get(checked))) {
            return lines.get(checked);
          }
        }
        long left = deadline - System.nanoTime();
        if (eof || left <= 0) {
          throw new IllegalStateException(label + ": no matching line " + (eof ? "before its output ended" : "within "
              + timeout) + (process.isAlive() ? "" : " (exited with " + process.exitValue() + ")") + "; output:\n"
              + String.join("\n", lines) + "\nstderr tail:\n" + stderrTail(40));
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(this, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(label + ": interrupted", e);
        }
      }
    }
  }

  /** The first line starting with {@code prefix}. */
  public String awaitLine(String prefix, Duration timeout) {
    return awaitLine(l -> l.startsWith(prefix), timeout);
  }

  /** A {@code key=value} field of a line. */
  public static Optional<String> field(String line, String key) {
    return KvService.field(line, key);
  }

  public static long longField(String line, String key) {
    return Long.parseLong(field(line, key).orElseThrow(() -> new IllegalStateException("no " + key + "= in " + line)));
  }

  /** Sends one line to the service's stdin. */
  public void send(String line) {
    try {
      OutputStream in = process.getOutputStream();
      in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      in.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(label + ": cannot write to stdin", e);
    }
  }

  /** SIGKILL, and wait until it is gone. */
  public void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Waits for the exit; the exit code, or empty if it is still running after {@code timeout}. */
  public Optional<Integer> awaitExit(Duration timeout) {
    try {
      if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        reader.join(timeout.toMillis());
        return Optional.of(process.exitValue());
      }
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  public String stderrTail(int maxLines) {
    try {
      List<String> all = Files.readAllLines(dir.resolve(label + ".err"), StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - maxLines), all.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(no stderr: " + e + ")";
    }
  }

  /** Kills the process if it is still running (SIGKILL also ends a stopped process). */
  @Override
  public void close() {
    if (process.isAlive()) {
      kill();
    }
  }
}
