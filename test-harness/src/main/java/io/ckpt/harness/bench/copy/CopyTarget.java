package io.ckpt.harness.bench.copy;

import io.ckpt.harness.bench.systems.BenchTarget;
import io.ckpt.harness.bench.systems.Layout;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The copy baseline as a benchmark target: a write sends the value to three {@link
 * CopyReplica}s at once over loopback TCP and returns when all three have it on disk (fsync).
 * No consensus, no log format, no store: what a durable three-way replicated write cannot beat
 * on this machine. Writes only; the replicas run as threads of this JVM.
 */
public final class CopyTarget implements BenchTarget {
  private static final int REPLICAS = 3;
  private final List<CopyReplica> replicas = new ArrayList<>();
  /** Idle connection sets (one socket per replica), taken by one writing thread at a time. */
  private final ConcurrentLinkedQueue<Socket[]> idle = new ConcurrentLinkedQueue<>();
  private final List<Socket[]> all = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final ExecutorService senders = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "copy-sender");
    t.setDaemon(true);
    return t;
  });

  private CopyTarget(Path dir) throws IOException {
    for (int i = 0; i < REPLICAS; i++) {
      replicas.add(new CopyReplica(dir.resolve("replica-" + (i + 1))));
    }
  }

  /** Starts three replicas under {@code dir}; only {@link Layout#IN_JVM} (threads of this JVM). */
  public static CopyTarget start(Layout layout, Path dir) throws IOException {
    if (layout != Layout.IN_JVM) {
      throw new IllegalArgumentException("the copy baseline runs its replicas as threads of the benchmark's JVM only");
    }
    return new CopyTarget(dir);
  }

  @Override
  public String system() {
    return "copy";
  }

  @Override
  public String description() {
    return "payload copied to 3 replicas over loopback TCP, each writes it to a file and fsyncs (threads of this JVM)";
  }

  @Override
  public long maxValueBytes() {
    return Long.MAX_VALUE;
  }

  @Override
  public boolean supports(Operation op) {
    return op == Operation.WRITE;
  }

  @Override
  public void write(String key, byte[] value) throws Exception {
    Socket[] set = idle.poll();
    if (set == null) {
      set = connect();
    }
    List<Future<?>> sent = new ArrayList<>(REPLICAS);
    for (Socket s : set) {
      sent.add(senders.submit(() -> {
        sendAndAwait(s, value);
        return null;
      }));
    }
    try {
      for (Future<?> f : sent) {
        f.get();
      }
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception x ? x : e;
    }
    idle.add(set);
  }

  private static void sendAndAwait(Socket s, byte[] value) throws IOException {
    DataOutputStream out = new DataOutputStream(s.getOutputStream());
    out.writeLong(value.length);
    out.write(value);
    out.flush();
    InputStream in = s.getInputStream();
    if (in.read() != 1) {
      throw new IOException("replica on port " + s.getPort() + " closed the connection");
    }
  }

  private Socket[] connect() throws IOException {
    Socket[] set = new Socket[REPLICAS];
    for (int i = 0; i < REPLICAS; i++) {
      set[i] = new Socket(InetAddress.getLoopbackAddress(), replicas.get(i).port());
      set[i].setTcpNoDelay(true);
    }
    all.add(set);
    return set;
  }

  @Override
  public byte[] read(String key, boolean stale) {
    throw new UnsupportedOperationException("the copy baseline stores nothing to read");
  }

  @Override
  public long takeover(String key) {
    throw new UnsupportedOperationException("the copy baseline has no owners to fence");
  }

  @Override
  public List<ProcessHandle> nodeProcesses() {
    return List.of(ProcessHandle.current());
  }

  @Override
  public boolean nodesInThisJvm() {
    return true;
  }

  @Override
  public void close() throws IOException {
    senders.shutdownNow();
    IOException first = null;
    for (Socket[] set : all) {
      for (Socket s : set) {
        try {
          s.close();
        } catch (IOException e) {
          first = first == null ? e : first;
        }
      }
    }
    for (CopyReplica r : replicas) {
      try {
        r.close();
      } catch (IOException | UncheckedIOException e) {
        first = first == null ? new IOException(e) : first;
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
