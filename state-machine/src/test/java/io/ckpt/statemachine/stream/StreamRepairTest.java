package io.ckpt.statemachine.stream;

import static io.ckpt.statemachine.stream.StreamTestData.CHUNK;
import static io.ckpt.statemachine.stream.StreamTestData.bytes;
import static io.ckpt.statemachine.stream.StreamTestData.files;
import static io.ckpt.statemachine.stream.StreamTestData.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.ckpt.protocol.QueryReply;
import io.ckpt.protocol.Status;
import io.ckpt.protocol.StreamChunkQuery;
import io.ckpt.protocol.StreamedChunksEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.ClientInvocationId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node that lacks a committed entry's streamed bytes fetches them from its peers: every chunk
 * checked against the entry's CRC32C, from whichever peer has it right; it keeps asking until
 * one does, and gives up only when the node stops. Peers answer only for committed entries.
 */
class StreamRepairTest {
  private static final long INDEX = 42;
  private static final ClientInvocationId ID = ClientInvocationId.valueOf(ClientId.randomId(), 9);

  @TempDir Path self;
  @TempDir Path peerDir;

  /** A peer that answers from its stream files as a node does (committed up to {@code committed}). */
  private static PeerChunks servedFrom(StreamFiles files, long committed) {
    return (peer, q) -> {
      QueryReply r = StreamRepair.answer(files, q, committed);
      if (r.getStatus() != Status.OK) {
        throw new IOException(r.getStatus() + ": " + r.getMessage());
      }
      return r.getData().toByteArray();
    };
  }

  private StreamRepair repair(StreamFiles files, List<String> peers, PeerChunks source, AtomicBoolean stopping) {
    return new StreamRepair("n1", files, () -> peers, source, stopping::get);
  }

  @Test
  void eachChunkComesFromAPeerWhoseBytesMatchTheEntry() throws Exception {
    byte[] data = bytes(3 * CHUNK + 10);
    Files.write(StreamFiles.linkedFile(peerDir, INDEX), data);
    PeerChunks n3 = servedFrom(files(peerDir), INDEX);
    List<String> asked = new ArrayList<>();
    PeerChunks peers = (peer, q) -> {
      asked.add(peer + "#" + q.getChunk());
      if (peer.equals("n2")) {
        if (q.getChunk() == 1) {
          byte[] wrong = Arrays.copyOfRange(data, CHUNK, 2 * CHUNK);
          wrong[7] ^= 1;
          return wrong; // a copy that rotted, or a different stream's file under the same index
        }
        throw new IOException("UNAVAILABLE: io exception");
      }
      return n3.read(peer, q);
    };
    StreamFiles files = files(self);

    repair(files, List.of("n2", "n3"), peers, new AtomicBoolean()).fetch(INDEX, ID, run(data), "missing");

    assertThat(Files.readAllBytes(StreamFiles.linkedFile(self, INDEX))).isEqualTo(data);
    files.verify(INDEX, ID, run(data));
    // The peer that sent the last chunk is asked first for the next.
    assertThat(asked).containsExactly("n2#0", "n3#0", "n3#1", "n3#2", "n3#3");
    try (var left = Files.list(self)) {
      assertThat(left.map(p -> p.getFileName().toString())).containsExactly(INDEX + ".stream");
    }
  }

  @Test
  void aDamagedCopyIsReplacedAndARoundGoesOnFromTheChunksItHas() throws Exception {
    byte[] data = bytes(4 * CHUNK);
    byte[] damaged = data.clone();
    damaged[2 * CHUNK + 5] ^= 1;
    Files.write(StreamFiles.linkedFile(self, INDEX), damaged);
    Files.write(StreamFiles.linkedFile(peerDir, INDEX), data);
    PeerChunks n2 = servedFrom(files(peerDir), INDEX);
    List<Integer> asked = new ArrayList<>();
    AtomicBoolean failedOnce = new AtomicBoolean();
    PeerChunks flaky = (peer, q) -> {
      asked.add(q.getChunk());
      if (q.getChunk() == 2 && !failedOnce.getAndSet(true)) {
        throw new IOException("DEADLINE_EXCEEDED");
      }
      return n2.read(peer, q);
    };
    StreamFiles files = files(self);
    String why = "";
    try {
      files.verify(INDEX, ID, run(data));
    } catch (MissingStreamException e) {
      why = e.getMessage();
    }
    assertThat(why).contains("chunk 2");

    repair(files, List.of("n2"), flaky, new AtomicBoolean()).fetch(INDEX, ID, run(data), why);

    assertThat(asked).containsExactly(0, 1, 2, 2, 3);
    files.verify(INDEX, ID, run(data));
    assertThat(Files.readAllBytes(StreamFiles.linkedFile(self, INDEX))).isEqualTo(data);
  }

  /** The chunks an earlier round wrote count only while the file still holds them. */
  @Test
  void aRoundStartsOverWhenThePartFileWasPurgedMeanwhile() throws Exception {
    byte[] data = bytes(4 * CHUNK);
    Files.write(StreamFiles.linkedFile(peerDir, INDEX), data);
    PeerChunks n2 = servedFrom(files(peerDir), INDEX);
    StreamFiles files = files(self);
    List<Integer> asked = new ArrayList<>();
    AtomicBoolean purged = new AtomicBoolean();
    PeerChunks source = (peer, q) -> {
      asked.add(q.getChunk());
      if (q.getChunk() == 2 && !purged.getAndSet(true)) {
        Files.delete(files.fetchFile(INDEX)); // the orphan purge of a repair that waited an hour
        throw new IOException("DEADLINE_EXCEEDED");
      }
      return n2.read(peer, q);
    };

    repair(files, List.of("n2"), source, new AtomicBoolean()).fetch(INDEX, ID, run(data), "missing");

    assertThat(asked).containsExactly(0, 1, 2, 0, 1, 2, 3);
    assertThat(Files.readAllBytes(StreamFiles.linkedFile(self, INDEX))).isEqualTo(data);
  }

  @Test
  void itKeepsAskingUntilAPeerHasTheBytes() throws Exception {
    byte[] data = bytes(2 * CHUNK + 1);
    StreamFiles peer = files(peerDir);
    AtomicLong committed = new AtomicLong(INDEX - 1); // the peer learns of the commit late
    AtomicInteger calls = new AtomicInteger();
    PeerChunks source = (p, q) -> {
      if (calls.incrementAndGet() == 3) {
        committed.set(INDEX);
        Files.write(StreamFiles.linkedFile(peerDir, INDEX), data);
      }
      return servedFrom(peer, committed.get()).read(p, q);
    };

    repair(files(self), List.of("n2"), source, new AtomicBoolean()).fetch(INDEX, ID, run(data), "missing");

    assertThat(calls.get()).isEqualTo(3 + 2);
    assertThat(Files.readAllBytes(StreamFiles.linkedFile(self, INDEX))).isEqualTo(data);
  }

  @Test
  void itGivesUpOnlyWhenTheNodeStops() {
    AtomicBoolean stopping = new AtomicBoolean();
    AtomicInteger calls = new AtomicInteger();
    PeerChunks nobody = (p, q) -> {
      if (calls.incrementAndGet() == 2) {
        stopping.set(true);
      }
      throw new IOException("NOT_FOUND: this node has no chunk 0");
    };
    StreamRepair repair = repair(files(self), List.of("n2"), nobody, stopping);

    assertThatThrownBy(() -> repair.fetch(INDEX, ID, run(bytes(CHUNK)), "missing"))
        .isInstanceOf(MissingStreamException.class).hasMessageContaining("stopped")
        .hasMessageContaining("NOT_FOUND: this node has no chunk 0");
    assertThat(Files.exists(StreamFiles.linkedFile(self, INDEX))).isFalse();
  }

  @Test
  void aPeerAnswersForCommittedEntriesOnlyAndChecksWhatItIsAsked() throws Exception {
    byte[] data = bytes(2 * CHUNK + 3);
    StreamFiles files = files(peerDir);
    Files.write(StreamFiles.linkedFile(peerDir, INDEX), data);
    ClientInvocationId other = ClientInvocationId.valueOf(ClientId.randomId(), 3);
    Files.write(peerDir.resolve(other.getClientId() + "-3.part"), data); // linked before a crash, not renamed
    StreamChunkQuery chunk2 = StreamChunkQuery.newBuilder().setLogIndex(INDEX).setChunk(2).setChunkBytes(CHUNK).build();

    assertThat(StreamRepair.answer(files, chunk2, INDEX).getData().toByteArray())
        .isEqualTo(Arrays.copyOfRange(data, 2 * CHUNK, data.length));
    assertThat(StreamRepair.answer(files, chunk2, INDEX - 1).getStatus()).isEqualTo(Status.UNAVAILABLE);
    assertThat(StreamRepair.answer(files, chunk2.toBuilder().setChunk(3).build(), INDEX).getStatus())
        .isEqualTo(Status.NOT_FOUND);
    assertThat(StreamRepair.answer(files, chunk2.toBuilder().setLogIndex(7).build(), INDEX).getStatus())
        .isEqualTo(Status.NOT_FOUND);
    StreamChunkQuery byRequest = chunk2.toBuilder().setLogIndex(7).setChunk(0)
        .setClientId(ByteString.copyFrom(other.getClientId().toByteString().toByteArray())).setCallId(3).build();
    assertThat(StreamRepair.answer(files, byRequest, INDEX).getData().toByteArray())
        .isEqualTo(Arrays.copyOf(data, CHUNK));
    for (StreamChunkQuery bad : List.of(chunk2.toBuilder().setChunkBytes(CHUNK + 1).build(),
        chunk2.toBuilder().setChunkBytes(0).build(), chunk2.toBuilder().setChunk(-1).build(),
        chunk2.toBuilder().setLogIndex(0).build(), chunk2.toBuilder().setClientId(ByteString.copyFromUtf8("short")).build())) {
      assertThat(StreamRepair.answer(files, bad, INDEX)).as("%s", bad).extracting(QueryReply::getStatus)
          .isEqualTo(Status.INVALID);
    }
  }
}
