package io.ckpt.server.node;

import io.ckpt.client.internal.RaftGroups;
import io.ckpt.statemachine.CheckpointStateMachine;
import io.ckpt.statemachine.CkptStoreConfigKeys;
import io.ckpt.statemachine.DamagedStorageException;
import io.ckpt.statemachine.LogWatermark;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;

/** One running ckpt node: a Ratis server with a {@link CheckpointStateMachine}. */
public final class CkptNode implements Closeable {
  private final NodeOptions options;
  private final RaftServer server;
  private final CheckpointStateMachine stateMachine;
  private final Housekeeping housekeeping;
  private volatile boolean closing;

  private CkptNode(NodeOptions options, RaftServer server, CheckpointStateMachine stateMachine, RaftProperties p) {
    this.options = options;
    this.server = server;
    this.stateMachine = stateMachine;
    this.housekeeping = new Housekeeping(options.id(), RaftGroups.group(options.peers()), stateMachine, this::isLeader,
        CkptServerConfigKeys.uploadIdleTimeout(p));
  }

  /** Starts a node; returns once its server is up (a leader may not be elected yet). */
  public static CkptNode start(NodeOptions options) throws IOException {
    Path dir = options.dataDir();
    prepareDir(dir);
    Path raftDir = dir.resolve("raft");
    Path storeDir = dir.resolve("store");
    prepareDir(raftDir);
    prepareDir(storeDir);
    RaftProperties defaults = CkptServerConfigKeys.defaults(raftDir.toFile(), options.self().port());
    if (options.self().hasStreamPort()) {
      CkptServerConfigKeys.setDataStreamPort(defaults, options.self().streamPort());
    }
    RaftProperties p = options.apply(defaults, x -> { });
    Path watermark = dir.resolve(LogWatermark.FILE_NAME);
    Path groupDir = raftDir.resolve(RaftGroups.GROUP_ID.getUuid().toString());
    // Before Ratis reads anything: refuse a damaged log, and bring the store to a trusted state
    // (or refuse if it cannot be), each with one clear message (see LogVerifier, prepare).
    LogVerifier.verify(options.id(), dir, groupDir, watermark,
        RaftServerConfigKeys.Log.Appender.bufferByteLimit(p).getSizeInt());
    CheckpointStateMachine sm = new CheckpointStateMachine(storeDir, watermark, CkptStoreConfigKeys.storeSettings(p),
        CkptStoreConfigKeys.snapshotBytes(p).getSize(), CkptStoreConfigKeys.diskReserve(p).getSize());
    sm.prepare(options.id(), groupDir);
    RaftServer server = null;
    try {
      server = RaftServer.newBuilder()
          .setServerId(RaftPeerId.valueOf(options.id()))
          .setGroup(RaftGroups.group(options.peers()))
          .setStateMachine(sm)
          .setProperties(p)
          .setOption(RaftStorage.StartupOption.RECOVER)
          .build();
      server.start();
    } catch (IOException | RuntimeException e) {
      if (server != null) {
        server.close();
      }
      sm.close(); // the store was opened by prepare; closing twice is harmless
      java.util.Optional<DamagedStorageException> damage = damageIn(e);
      if (damage.isPresent()) {
        throw damage.get();
      }
      throw e;
    }
    return new CkptNode(options, server, sm, p);
  }

  /** A refusal to start because of damaged files, found under Ratis's wrappers: reported as it is. */
  private static java.util.Optional<DamagedStorageException> damageIn(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof DamagedStorageException d) {
        return java.util.Optional.of(d);
      }
    }
    return java.util.Optional.empty();
  }

  private static void prepareDir(Path dir) throws IOException {
    try {
      Files.createDirectories(dir);
    } catch (AccessDeniedException e) {
      throw new IOException("data directory " + dir + " cannot be created: permission denied", e);
    }
    if (!Files.isDirectory(dir)) {
      throw new IOException("data directory " + dir + " is not a directory");
    }
    if (!Files.isReadable(dir) || !Files.isWritable(dir)) {
      throw new IOException("data directory " + dir + " is not readable and writable by this user");
    }
  }

  public String id() {
    return options.id();
  }

  public NodeOptions options() {
    return options;
  }

  public RaftServer raftServer() {
    return server;
  }

  public CheckpointStateMachine stateMachine() {
    return stateMachine;
  }

  /** Whether this node is currently the group's leader. */
  public boolean isLeader() {
    try {
      return server.getDivision(RaftGroups.GROUP_ID).getInfo().isLeader();
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Completes with the reason if this node stops by itself (its state machine fail-stopped after
   * a failed apply, or its Raft log could not be written); never completes for {@link #close}.
   */
  public java.util.concurrent.CompletableFuture<String> stoppedByItself() {
    java.util.concurrent.CompletableFuture<String> f = new java.util.concurrent.CompletableFuture<>();
    stateMachine.stopped().thenAccept(why -> {
      if (!closing) {
        f.complete(why);
      }
    });
    return f;
  }

  /**
   * Disk space a node wants free before it starts (its reserve, see
   * {@link CkptStoreConfigKeys#DISK_RESERVE_KEY}); a node started on a full disk would only fail.
   */
  public static long diskSpaceToStart(NodeOptions options) {
    RaftProperties p = options.apply(new RaftProperties(), x -> { });
    return CkptStoreConfigKeys.diskReserve(p).getSize();
  }

  @Override
  public void close() throws IOException {
    closing = true;
    housekeeping.close();
    server.close();
  }
}
