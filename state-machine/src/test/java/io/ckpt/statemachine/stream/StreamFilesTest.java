package io.ckpt.statemachine.stream;

import static io.ckpt.statemachine.stream.StreamTestData.CHUNK;
import static io.ckpt.statemachine.stream.StreamTestData.bytes;
import static io.ckpt.statemachine.stream.StreamTestData.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ckpt.protocol.LogEntry;
import io.ckpt.protocol.StreamedChunksEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.ClientInvocationId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.statemachine.StateMachine.DataStream;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Apply's check of a stream file: size and every chunk's CRC32C, under the entry's name. */
class StreamFilesTest {

  @TempDir Path dir;

  /** This test's stream files, without a disk check. */
  private StreamFiles files() {
    return StreamTestData.files(dir);
  }

  /**
   * {@code .part} files linked (renamed) between the purge's listing and its look at them are
   * skipped, not the end of the purge: every covered file still goes.
   */
  @Test
  void partFilesLinkedWhileThePurgeRunsDoNotStopIt() throws Exception {
    StreamFiles files = files();
    for (int i = 0; i < 20; i++) {
      Files.write(dir.resolve("client-" + i + "-1.part"), bytes(10));
    }
    for (int index = 1; index <= 11; index++) {
      Files.write(dir.resolve(index + ".stream"), bytes(10));
    }
    AtomicBoolean linked = new AtomicBoolean();

    files.purge(10, index -> {
      if (linked.compareAndSet(false, true)) { // meanwhile every .part is linked away
        try (java.util.stream.Stream<Path> parts = Files.list(dir)) {
          for (Path p : parts.filter(p -> p.toString().endsWith(".part")).toList()) {
            Files.move(p, dir.resolve("linked-" + p.getFileName() + ".tmp"));
          }
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
      return false;
    });

    for (int index = 1; index <= 10; index++) {
      assertThat(dir.resolve(index + ".stream")).as("covered and named by nothing").doesNotExist();
    }
    assertThat(dir.resolve("11.stream")).as("not covered by a snapshot yet").exists();
  }

  @Test
  void anIntactFileIsAcceptedAndAFileLeftUnderItsRequestNameIsRenamed() throws Exception {
    StreamFiles files = files();
    ClientInvocationId id = ClientInvocationId.valueOf(ClientId.randomId(), 7);
    byte[] data = bytes(3 * CHUNK + 10);
    Files.write(dir.resolve(id.getClientId() + "-7.part"), data); // the rename at link did not survive a crash

    files.verify(12, id, run(data));

    assertThat(Files.readAllBytes(StreamFiles.linkedFile(dir, 12))).isEqualTo(data);
    files.verify(12, id, run(data)); // again (a replay): found under its index
  }

  @Test
  void aDamagedShortOrMissingFileIsRefused() throws Exception {
    StreamFiles files = files();
    ClientInvocationId id = ClientInvocationId.valueOf(ClientId.randomId(), 1);
    byte[] data = bytes(2 * CHUNK + 1);
    StreamedChunksEntry run = run(data);

    assertThatThrownBy(() -> files.verify(5, id, run)).isInstanceOf(MissingStreamException.class)
        .hasMessageContaining("does not have");

    byte[] damaged = data.clone();
    damaged[CHUNK + 3] ^= 1;
    Files.write(StreamFiles.linkedFile(dir, 5), damaged);
    assertThatThrownBy(() -> files.verify(5, id, run)).isInstanceOf(MissingStreamException.class)
        .hasMessageContaining("chunk 1 of the stream file");

    Files.write(StreamFiles.linkedFile(dir, 5), Arrays.copyOf(data, data.length - 1));
    assertThatThrownBy(() -> files.verify(5, id, run)).isInstanceOf(MissingStreamException.class)
        .hasMessageContaining("holds " + (data.length - 1) + " bytes");
  }

  /** Receives {@code data} as a stream of call {@code call} and links it to log entry {@code index}. */
  private static ClientInvocationId receive(StreamFiles files, ClientId client, long call, byte[] data, boolean sync,
      long index) throws Exception {
    LogEntry header = LogEntry.newBuilder().setStreamedChunks(StreamedChunksEntry.newBuilder().setUploadId("u")
        .setName("seg").setChunkBytes(CHUNK)).build();
    RaftClientRequest request = RaftClientRequest.newBuilder().setClientId(client).setServerId(RaftPeerId.valueOf("n1"))
        .setGroupId(RaftGroupId.randomId()).setCallId(call).setMessage(Message.valueOf(ByteString.copyFrom(header.toByteArray())))
        .setType(RaftClientRequest.dataStreamRequestType()).build();
    DataStream stream = files.stream(request).get();
    for (int from = 0; from < data.length; from += 700) { // packets that do not line up with chunks
      stream.getDataChannel().write(ByteBuffer.wrap(data, from, Math.min(700, data.length - from)));
    }
    if (sync) {
      stream.getDataChannel().force(false);
    }
    files.link(stream, LogEntryProto.newBuilder().setIndex(index).build()).get();
    return ClientInvocationId.valueOf(request);
  }

  @Test
  void aStreamLinkedSinceStartIsCheckedAgainstTheCrcsComputedAsItArrived() throws Exception {
    StreamFiles files = files();
    ClientId client = ClientId.randomId();
    byte[] data = bytes(4 * CHUNK + 33);
    ClientInvocationId id = receive(files, client, 3, data, true, 9);

    byte[] other = data.clone();
    other[2 * CHUNK] ^= 1;
    assertThatThrownBy(() -> files.verify(9, id, run(other))).isInstanceOf(MissingStreamException.class)
        .hasMessageContaining("do not match the entry's size");

    ClientInvocationId second = receive(files, client, 4, data, true, 10);
    files.verify(10, second, run(data));
    assertThat(Files.readAllBytes(StreamFiles.linkedFile(dir, 10))).isEqualTo(data);
  }

  @Test
  void afterARestartOrWithoutAForceTheFileIsReadBack() throws Exception {
    StreamFiles files = files();
    ClientId client = ClientId.randomId();
    byte[] data = bytes(2 * CHUNK + 5);
    ClientInvocationId unforced = receive(files, client, 1, data, false, 4);
    ClientInvocationId forced = receive(files, client, 2, data, true, 5);
    byte[] damaged = data.clone();
    damaged[CHUNK + 1] ^= 1;
    Files.write(StreamFiles.linkedFile(dir, 4), damaged);
    Files.write(StreamFiles.linkedFile(dir, 5), damaged);

    assertThatThrownBy(() -> files.verify(4, unforced, run(data))).isInstanceOf(MissingStreamException.class)
        .hasMessageContaining("chunk 1 of the stream file");
    StreamFiles restarted = files();
    assertThatThrownBy(() -> restarted.verify(5, forced, run(data))).isInstanceOf(MissingStreamException.class)
        .hasMessageContaining("chunk 1 of the stream file");
  }

  @Test
  void writeBehindForcesInTheBackgroundButOnlyARequestedForceCounts() throws Exception {
    // A background force every 1,500 bytes.
    StreamFiles files = new StreamFiles(dir, CHUNK, 1 << 20, StreamFiles.Space.UNCHECKED, 1500);
    ClientId client = ClientId.randomId();
    byte[] data = bytes(20 * CHUNK + 7);
    ClientInvocationId unforced = receive(files, client, 1, data, false, 3);
    ClientInvocationId forced = receive(files, client, 2, data, true, 4);

    byte[] damaged = data.clone();
    damaged[7 * CHUNK] ^= 1;
    Files.write(StreamFiles.linkedFile(dir, 3), damaged);
    // Not forced on request: its record is not trusted, the file is read (and found damaged).
    assertThatThrownBy(() -> files.verify(3, unforced, run(data))).isInstanceOf(MissingStreamException.class)
        .hasMessageContaining("chunk 7 of the stream file");
    files.verify(4, forced, run(data));
    assertThat(Files.readAllBytes(StreamFiles.linkedFile(dir, 4))).isEqualTo(data);

    files.close(); // a stream after the write-behind thread stopped still works
    ClientInvocationId late = receive(files, client, 5, data, true, 6);
    files.verify(6, late, run(data));
  }

  @Test
  void aStreamTheDiskCannotSpareFailsBeforeItsBytesAreWritten() throws Exception {
    AtomicLong room = new AtomicLong(2 * CHUNK);
    StreamFiles files = new StreamFiles(dir, CHUNK, 1 << 20, bytes -> {
      if (room.addAndGet(-bytes) < 0) {
        throw new IOException("node n1 is low on disk space");
      }
    });
    ClientId client = ClientId.randomId();
    assertThatThrownBy(() -> receive(files, client, 1, bytes(3 * CHUNK), true, 2)).isInstanceOf(IOException.class)
        .hasMessageContaining("low on disk space");
    Path part = dir.resolve(client + "-1.part");
    assertThat(Files.size(part)).as("the packets that fit, none after").isEqualTo(1400);

    room.set(Long.MAX_VALUE / 2); // space returned
    ClientInvocationId id = receive(files, client, 3, bytes(3 * CHUNK), true, 4);
    files.verify(4, id, run(bytes(3 * CHUNK)));
  }

  @Test
  void onlyStreamFileNamesCarryAnIndex() {
    assertThat(StreamFiles.linkedIndex("42.stream")).isEqualTo(42);
    assertThat(StreamFiles.linkedIndex("0.stream")).isEqualTo(-1);
    assertThat(StreamFiles.linkedIndex("x.stream")).isEqualTo(-1);
    assertThat(StreamFiles.linkedIndex("42.stream.md5")).isEqualTo(-1);
    assertThat(StreamFiles.linkedIndex("c-1.part")).isEqualTo(-1);
  }
}
