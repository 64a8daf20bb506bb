package io.ckpt.harness.chaos;

import io.ckpt.client.CheckpointClient;
import io.ckpt.client.CorruptDataException;
import io.ckpt.client.FencedException;
import io.ckpt.client.InvalidRequestException;
import io.ckpt.client.Lease;
import io.ckpt.client.OwnershipConflictException;
import io.ckpt.client.PutOptions;
import io.ckpt.client.QuotaExceededException;
import io.ckpt.client.ReadOptions;
import io.ckpt.client.Segment;
import io.ckpt.client.SegmentInfo;
import io.ckpt.client.SegmentNotFoundException;
import io.ckpt.client.SegmentTooLargeException;
import io.ckpt.client.VersionConflictException;
import io.ckpt.client.WriteResult;
import io.ckpt.client.local.LocalStore;
import io.ckpt.harness.history.Call;
import io.ckpt.harness.history.History;
import io.ckpt.harness.history.Op;
import io.ckpt.harness.history.Reply;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BooleanSupplier;

/**
 * One client of a chaos run: a loop of random operations on shared keys (put, compare-and-set,
 * put under an owner epoch, linearizable and stale reads, loads into a local store, forced
 * takeovers), each recorded in the {@link History} with what came back. Every value written is
 * unique: its first 8 bytes are its id, so a read names exactly the write it saw.
 */
final class ChaosClient implements Runnable {
  /** The longest lease ckpt grants: no lease expires during a run (an expiry would change epochs unseen). */
  static final Duration LEASE_TTL = Duration.ofHours(1);
  private final int index;
  private final CheckpointClient client;
  private final History history;
  private final List<String> keys;
  private final List<String> nodes;
  private final Random random;
  private final Path storeDir;
  private final BooleanSupplier stop;
  private final Map<String, Long> lastSeenVersion = new HashMap<>();
  private final Map<String, Long> ownEpoch = new HashMap<>();
  private LocalStore store;
  private long written;
  private long acquired;

  ChaosClient(int index, CheckpointClient client, History history, List<String> keys, List<String> nodes,
      long seed, Path storeDir, BooleanSupplier stop) {
    this.index = index;
    this.client = client;
    this.history = history;
    this.keys = keys;
    this.nodes = nodes;
    this.random = new Random(seed * 31 + index);
    this.storeDir = storeDir;
    this.stop = stop;
  }

  @Override
  public void run() {
    try {
      while (!stop.getAsBoolean()) {
        step(keys.get(random.nextInt(keys.size())));
      }
    } finally {
      if (store != null) {
        store.close();
      }
    }
  }

  private void step(String key) {
    int dice = random.nextInt(100);
    if (dice < 25) {
      put(key, Op.NONE, Op.NONE);
    } else if (dice < 40) {
      long seen = lastSeenVersion.getOrDefault(key, 0L);
      put(key, random.nextInt(4) == 0 ? Math.max(0, seen + random.nextInt(3) - 1) : seen, Op.NONE);
    } else if (dice < 50) {
      put(key, Op.NONE, ownEpoch.getOrDefault(key, Op.NONE));
    } else if (dice < 72) {
      read(key);
    } else if (dice < 85) {
      staleRead(key, nodes.get(random.nextInt(nodes.size())));
    } else if (dice < 93) {
      load(key);
    } else {
      acquire(key);
    }
  }

  private void put(String key, long expectVersion, long epoch) {
    long value = ((long) (index + 1) << 40) | ++written;
    byte[] data = payload(value);
    long id = history.invoke(index, Call.put(key, value, expectVersion, epoch));
    PutOptions options = PutOptions.defaults();
    if (expectVersion != Op.NONE) {
      options = options.expectVersion(expectVersion);
    }
    if (epoch != Op.NONE) {
      options = options.epoch(epoch);
    }
    Reply reply;
    try {
      WriteResult r = client.put(key, data, options);
      lastSeenVersion.put(key, r.version());
      reply = Reply.written(r.version(), r.revision());
    } catch (VersionConflictException e) {
      lastSeenVersion.put(key, e.currentVersion());
      reply = Reply.conflict(e.currentVersion());
    } catch (FencedException e) {
      ownEpoch.remove(key);
      reply = Reply.fenced(e.currentEpoch());
    } catch (InvalidRequestException | QuotaExceededException | SegmentTooLargeException e) {
      reply = Reply.fail(e.getMessage()); // refused before the log
    } catch (RuntimeException e) {
      reply = Reply.unknown(String.valueOf(e));
    }
    history.complete(id, reply);
  }

  private void read(String key) {
    long id = history.invoke(index, Call.read(key));
    Reply reply;
    try {
      Segment s = client.get(key);
      lastSeenVersion.put(key, s.info().version());
      reply = Reply.read(s.info().version(), s.info().revision(), valueOf(s.data())).from(s.info().node());
    } catch (SegmentNotFoundException e) {
      reply = Reply.notFound();
    } catch (RuntimeException e) {
      reply = unknownRead(e);
    }
    history.complete(id, reply);
  }

  private void staleRead(String key, String node) {
    long id = history.invoke(index, Call.staleRead(key));
    Reply reply;
    try {
      Segment s = client.get(key, ReadOptions.latest().stale().fromNode(node));
      SegmentInfo i = s.info();
      reply = Reply.staleRead(i.readRevision(), i.version(), i.revision(), valueOf(s.data())).from(i.node());
    } catch (SegmentNotFoundException e) {
      reply = Reply.staleNotFound(Op.NONE).from(node);
    } catch (RuntimeException e) {
      reply = unknownRead(e);
    }
    history.complete(id, reply);
  }

  /** A load is a linearizable read of the latest version into the client's local store. */
  private void load(String key) {
    long id = history.invoke(index, Call.read(key));
    Reply reply;
    try {
      LocalStore local = store();
      SegmentInfo i = client.load(key, local);
      lastSeenVersion.put(key, i.version());
      reply = Reply.read(i.version(), i.revision(), valueOf(local.read(key))).from(i.node());
    } catch (SegmentNotFoundException e) {
      reply = Reply.notFound();
    } catch (RuntimeException e) {
      reply = unknownRead(e);
    }
    history.complete(id, reply);
  }

  private void acquire(String key) {
    String owner = "c" + index + "-" + ++acquired;
    long id = history.invoke(index, Call.acquire(key, owner, true));
    Reply reply;
    try {
      Lease lease = client.acquire(key, owner, LEASE_TTL, true);
      ownEpoch.put(key, lease.epoch());
      reply = Reply.acquired(lease.epoch());
    } catch (OwnershipConflictException e) {
      reply = Reply.ownedByOther();
    } catch (InvalidRequestException e) {
      reply = Reply.fail(e.getMessage());
    } catch (RuntimeException e) {
      reply = Reply.unknown(String.valueOf(e));
    }
    history.complete(id, reply);
  }

  /**
   * A read that got no answer changed nothing; a checksum failure is recorded too (as unknown),
   * and {@link ChaosRun} counts those separately: a client must never be handed corrupt bytes.
   */
  private static Reply unknownRead(RuntimeException e) {
    return Reply.unknown((e instanceof CorruptDataException ? "CORRUPT " : "") + e);
  }

  private LocalStore store() {
    if (store == null) {
      store = LocalStore.open(storeDir);
    }
    return store;
  }

  /** Mostly small values; some of a few chunks' worth (uploads of several log entries). */
  private byte[] payload(long value) {
    int dice = random.nextInt(100);
    int size = dice < 85 ? 8 + random.nextInt(2048) : dice < 98 ? 8 + random.nextInt(128 << 10)
        : (1 << 20) + random.nextInt(3 << 19);
    byte[] b = new byte[size];
    random.nextBytes(b);
    ByteBuffer.wrap(b).putLong(value);
    return b;
  }

  /** The id of the write a value came from (its first 8 bytes); -1 for bytes no client wrote. */
  static long valueOf(byte[] data) {
    return data.length < Long.BYTES ? -1 : ByteBuffer.wrap(data).getLong();
  }
}
