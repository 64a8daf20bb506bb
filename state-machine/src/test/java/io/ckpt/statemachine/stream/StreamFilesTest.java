package io.ckpt.statemachine.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ckpt.client.util.Crc32c;
import io.ckpt.protocol.StreamedChunksEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.ClientInvocationId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Apply's check of a stream file: size and every chunk's CRC32C, under the entry's name. */
class StreamFilesTest {
  private static final int CHUNK = 1000;

  @TempDir Path dir;

  private static StreamedChunksEntry run(byte[] data) {
    StreamedChunksEntry.Builder run = StreamedChunksEntry.newBuilder().setUploadId("u").setName("seg")
        .setChunkBytes(CHUNK).setSize(data.length);
    for (int from = 0; from < data.length; from += CHUNK) {
      run.addChunkCrc32C(Crc32c.of(Arrays.copyOfRange(data, from, Math.min(data.length, from + CHUNK))));
    }
    return run.build();
  }

  private static byte[] bytes(int n) {
    byte[] b = new byte[n];
    new Random(n).nextBytes(b);
    return b;
  }

  @Test
  void anIntactFileIsAcceptedAndAFileLeftUnderItsRequestNameIsRenamed() throws Exception {
    StreamFiles files = new StreamFiles(dir, CHUNK, 1 << 20);
    ClientInvocationId id = ClientInvocationId.valueOf(ClientId.randomId(), 7);
    byte[] data = bytes(3 * CHUNK + 10);
    Files.write(dir.resolve(id.getClientId() + "-7.part"), data); // the rename at link did not survive a crash

    files.verify(12, id, run(data));

    assertThat(Files.readAllBytes(StreamFiles.linkedFile(dir, 12))).isEqualTo(data);
    files.verify(12, id, run(data)); // again (a replay): found under its index
  }

  @Test
  void aDamagedShortOrMissingFileIsRefused() throws Exception {
    StreamFiles files = new StreamFiles(dir, CHUNK, 1 << 20);
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

  @Test
  void onlyStreamFileNamesCarryAnIndex() {
    assertThat(StreamFiles.linkedIndex("42.stream")).isEqualTo(42);
    assertThat(StreamFiles.linkedIndex("0.stream")).isEqualTo(-1);
    assertThat(StreamFiles.linkedIndex("x.stream")).isEqualTo(-1);
    assertThat(StreamFiles.linkedIndex("42.stream.md5")).isEqualTo(-1);
    assertThat(StreamFiles.linkedIndex("c-1.part")).isEqualTo(-1);
  }
}
