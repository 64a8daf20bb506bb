package io.ckpt.statemachine.stream;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.ckpt.client.util.Crc32c;
import io.ckpt.protocol.QueryReply;
import io.ckpt.protocol.Status;
import io.ckpt.protocol.StreamChunkQuery;
import io.ckpt.protocol.StreamedChunksEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.ClientInvocationId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches the bytes of a committed streamed-chunks entry that this node lacks (the stream never
 * reached it, though the entry did; or its copy is damaged) from its peers, chunk by chunk, each
 * chunk from the first peer whose bytes match the entry's CRC32C. Until it has them all it keeps
 * asking, with a growing pause, and reports what each peer said: an entry in the log must be
 * applied, with the same bytes as on every other node, before anything after it.
 */
public final class StreamRepair {
  private static final Logger LOG = LoggerFactory.getLogger(StreamRepair.class);
  static final Duration FIRST_PAUSE = Duration.ofMillis(200);
  static final Duration LONGEST_PAUSE = Duration.ofSeconds(5);
  /** How often a repair that cannot go on says so again. */
  static final Duration REPORT_EVERY = Duration.ofSeconds(30);
  /** Begins the warning a repair starts with (the chaos harness counts repairs by it). */
  public static final String FETCHING = "fetching the bytes of log entry";
  private static final int CLIENT_ID_BYTES = 16;
  private final String node;
  private final StreamFiles files;
  private final Supplier<List<String>> peers;
  private final PeerChunks source;
  private final BooleanSupplier stopping;

  /**
   * @param node this node's id (for the log)
   * @param peers the other nodes, in the order to ask them (the leader first)
   * @param stopping whether this node is closing: the repair gives up
   */
  public StreamRepair(String node, StreamFiles files, Supplier<List<String>> peers, PeerChunks source,
      BooleanSupplier stopping) {
    this.node = node;
    this.files = files;
    this.peers = peers;
    this.source = source;
    this.stopping = stopping;
  }

  /**
   * Returns once this node's stream file of log entry {@code index} holds {@code run}'s bytes,
   * fetched from peers and forced.
   *
   * @param id the stream's request (a peer may still keep the file under its name)
   * @param why what is wrong with this node's copy (for the log)
   * @throws MissingStreamException if the node stops (or the thread is interrupted) first
   */
  public void fetch(long index, ClientInvocationId id, StreamedChunksEntry run, String why) {
    LOG.warn("{}: {}; " + FETCHING + " {} ({} bytes) from the other nodes (nothing after it is applied until they are"
        + " here)", node, why, index, run.getSize());
    long started = System.nanoTime();
    long reported = started;
    long pause = FIRST_PAUSE.toMillis();
    int rounds = 0;
    Fetch fetch = new Fetch(index, id, run);
    while (true) {
      rounds++;
      String problem = fetch.tryAll();
      if (problem == null) {
        LOG.info("{}: fetched the {} bytes of log entry {} from {} in {} ms", node, run.getSize(), index,
            fetch.senders, (System.nanoTime() - started) / 1_000_000);
        return;
      }
      if (stopping.getAsBoolean()) {
        throw new MissingStreamException("this node stopped before it could fetch the bytes of log entry " + index
            + " (" + problem + "); it fetches them again when it restarts");
      }
      // The first miss may be a peer that has not learnt of the commit yet: a warning; an error
      // once it lasts, repeated every REPORT_EVERY.
      long now = System.nanoTime();
      if (rounds == 1 || now - reported >= REPORT_EVERY.toNanos()) {
        reported = now;
        String line = "{}: cannot fetch the bytes of log entry {} yet ({} s, {} attempts): {}; trying again";
        Object[] args = {node, index, (now - started) / 1_000_000_000, rounds, problem};
        if (rounds == 1) {
          LOG.warn(line, args);
        } else {
          LOG.error(line, args);
        }
      }
      try {
        Thread.sleep(pause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new MissingStreamException("interrupted while fetching the bytes of log entry " + index);
      }
      pause = Math.min(2 * pause, LONGEST_PAUSE.toMillis());
    }
  }

  /**
   * A peer's answer to a {@link StreamChunkQuery}: the chunk from this node's copy of the stream,
   * for committed entries only (up to {@code committedIndex}, the last this node knows of): the
   * bytes of a write that may still be dropped are not handed out.
   */
  public static QueryReply answer(StreamFiles files, StreamChunkQuery q, long committedIndex) {
    if (q.getLogIndex() > committedIndex) {
      return reply(Status.UNAVAILABLE, "log entry " + q.getLogIndex() + " is not committed on this node yet (it knows up to "
          + committedIndex + ")");
    }
    if (!q.getClientId().isEmpty() && q.getClientId().size() != CLIENT_ID_BYTES) {
      return reply(Status.INVALID, "a client id has " + CLIENT_ID_BYTES + " bytes, got " + q.getClientId().size());
    }
    try {
      ClientInvocationId id = q.getClientId().isEmpty() ? null : ClientInvocationId.valueOf(
          ClientId.valueOf(org.apache.ratis.thirdparty.com.google.protobuf.ByteString.copyFrom(
              q.getClientId().asReadOnlyByteBuffer())), q.getCallId());
      Optional<byte[]> chunk = files.readChunk(q.getLogIndex(), id, q.getChunk(), q.getChunkBytes());
      if (chunk.isEmpty()) {
        return reply(Status.NOT_FOUND, "this node has no chunk " + q.getChunk() + " of the stream of log entry "
            + q.getLogIndex());
      }
      return QueryReply.newBuilder().setData(UnsafeByteOperations.unsafeWrap(chunk.get())).build();
    } catch (IllegalArgumentException e) {
      return reply(Status.INVALID, e.getMessage());
    } catch (IOException e) {
      return reply(Status.UNAVAILABLE, "reading the stream file of log entry " + q.getLogIndex() + ": " + e);
    }
  }

  private static QueryReply reply(Status status, String message) {
    return QueryReply.newBuilder().setStatus(status).setMessage(message).build();
  }

  /** One repair: the file being filled and how far it got. */
  private final class Fetch {
    private final long index;
    private final ClientInvocationId id;
    private final StreamedChunksEntry run;
    /** The peers that sent chunks, in the order they first did. */
    private final Set<String> senders = new LinkedHashSet<>();
    /** The peer that sent the last chunk: asked first for the next. */
    private String last;
    private int have;

    Fetch(long index, ClientInvocationId id, StreamedChunksEntry run) {
      this.index = index;
      this.id = id;
      this.run = run;
    }

    /** Gets every chunk still missing, then installs the file; null when done, else what stopped it. */
    String tryAll() {
      Path file;
      try {
        file = files.fetchFile(index);
      } catch (IOException e) {
        return "cannot create the file for them: " + e;
      }
      // A round goes on from the chunks earlier rounds wrote, if the file still holds them (a
      // repair that waits for an hour finds it purged as an orphan); else it starts the file over.
      try {
        if (have > 0 && Files.size(file) < (long) have * run.getChunkBytes()) {
          have = 0;
        }
      } catch (IOException e) {
        have = 0;
      }
      Set<StandardOpenOption> options = EnumSet.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      if (have == 0) {
        options.add(StandardOpenOption.TRUNCATE_EXISTING);
      }
      try (FileChannel ch = FileChannel.open(file, options)) {
        while (have < run.getChunkCrc32CCount()) {
          Map<String, String> refused = new LinkedHashMap<>();
          byte[] chunk = fromAnyPeer(have, refused);
          if (chunk == null) {
            return refused.isEmpty() ? "no other node to ask" : "no node sent chunk " + have + ": " + refused;
          }
          ByteBuffer b = ByteBuffer.wrap(chunk);
          long at = (long) have * run.getChunkBytes();
          while (b.hasRemaining()) {
            at += ch.write(b, at);
          }
          have++;
        }
        ch.force(true);
      } catch (IOException e) {
        have = 0; // what the file holds is unknown: start it over
        return "writing them to " + file + ": " + e;
      }
      try {
        files.installFetched(index, run, file);
        return null;
      } catch (IOException e) {
        have = 0;
        return "naming " + file + " after the entry: " + e;
      }
    }

    /** Chunk {@code k} from the first peer that sends the right bytes; null if none did ({@code refused} says why). */
    private byte[] fromAnyPeer(int k, Map<String, String> refused) {
      long from = (long) k * run.getChunkBytes();
      int size = (int) Math.min(run.getChunkBytes(), run.getSize() - from);
      StreamChunkQuery.Builder q = StreamChunkQuery.newBuilder().setLogIndex(index).setChunk(k)
          .setChunkBytes(run.getChunkBytes());
      if (id != null) {
        q.setClientId(ByteString.copyFrom(id.getClientId().toByteString().asReadOnlyByteBuffer()))
            .setCallId(id.getLongId());
      }
      for (String peer : ordered()) {
        if (stopping.getAsBoolean()) {
          refused.put(peer, "not asked: this node is stopping");
          return null;
        }
        try {
          byte[] b = source.read(peer, q.build());
          if (b.length == size && Crc32c.of(b) == run.getChunkCrc32C(k)) {
            senders.add(peer);
            last = peer;
            return b;
          }
          refused.put(peer, "sent " + b.length + " bytes that do not match the entry's CRC32C");
        } catch (IOException e) {
          refused.put(peer, e.getMessage());
        }
      }
      return null;
    }

    /** The peers to ask, the one that sent the last chunk first. */
    private List<String> ordered() {
      List<String> all = new ArrayList<>(peers.get());
      if (last != null && all.remove(last)) {
        all.add(0, last);
      }
      return all;
    }
  }
}
