package io.ckpt.statemachine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The seal of a cleanly closed store: any change to its files or to the seal is noticed. */
class StoreSealTest {
  @TempDir Path dir;

  private void storeFiles() throws Exception {
    Files.write(dir.resolve("catalog.cmap"), new byte[100_000]);
    Files.write(dir.resolve("chunks-00000.cmap"), "chunk bytes".repeat(1000).getBytes(StandardCharsets.US_ASCII));
    Files.writeString(dir.resolve("chunks.spec"), "volumeBytes=1\n");
    Files.writeString(dir.resolve("chunks.lock"), "");
  }

  @Test
  void anIntactStoreMatchesItsSealAndTheSealIsTakenOnce() throws Exception {
    storeFiles();
    StoreSeal.write(dir, 42);
    Optional<StoreSeal> seal = StoreSeal.take(dir);
    assertThat(seal).isPresent();
    assertThat(seal.get().applied()).isEqualTo(42);
    assertThat(seal.get().verify(dir)).isEmpty();
    assertThat(StoreSeal.take(dir)).isEmpty();
  }

  @Test
  void aFlippedByteInAnyStoreFileIsFound() throws Exception {
    storeFiles();
    StoreSeal.write(dir, 7);
    try (RandomAccessFile f = new RandomAccessFile(dir.resolve("catalog.cmap").toFile(), "rw")) {
      f.seek(5000);
      f.write(1);
    }
    assertThat(StoreSeal.take(dir).orElseThrow().verify(dir)).hasValueSatisfying(
        why -> assertThat(why).contains("catalog.cmap"));
  }

  @Test
  void aMissingOrExtraVolumeIsFound() throws Exception {
    storeFiles();
    StoreSeal.write(dir, 7);
    Files.write(dir.resolve("chunks-00001.cmap"), new byte[10]);
    assertThat(StoreSeal.take(dir).orElseThrow().verify(dir)).isPresent();
  }

  @Test
  void aDamagedSealIsRefused() throws Exception {
    storeFiles();
    StoreSeal.write(dir, 7);
    Path marker = dir.resolve(StoreSeal.FILE_NAME);
    Files.writeString(marker, Files.readString(marker).replace("applied 7", "applied 9"));
    assertThatThrownBy(() -> StoreSeal.take(dir)).isInstanceOf(StoreSeal.DamagedSealException.class);
    assertThat(marker).doesNotExist();
  }

  @Test
  void discardRemovesTheStoreFilesOnly() throws Exception {
    storeFiles();
    Files.writeString(dir.resolve("chunks.open"), "open");
    Files.writeString(dir.resolve("other.txt"), "keep");
    StoreSeal.write(dir, 1);
    StoreSeal.discard(dir);
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("chunks.lock", "other.txt");
    }
  }
}
