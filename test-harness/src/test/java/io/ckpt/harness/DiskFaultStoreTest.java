package io.ckpt.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.ckpt.client.CheckpointClient;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Bytes flipped in a stopped node's Chronicle Map files (catalog and chunk volume), after a
 * clean stop (store sealed) and after a crash: on restart the node detects the damage, rebuilds
 * its store from snapshot and log, and serves exactly the committed bytes.
 *
 * <p>Before the fix: a flipped catalog key or header, or a chunk volume header, made Chronicle
 * throw on open and the node could not start (after a clean stop and after a crash alike); a
 * flipped catalog record failed the start; a flipped chunk after a clean stop was served as a
 * CORRUPT error for that segment until the node was rebuilt by hand.
 */
class DiskFaultStoreTest {
  enum Target { CATALOG_KEY, CATALOG_VALUE, CATALOG_HEADER, CHUNK_VALUE, CHUNK_HEADER }

  @ParameterizedTest(name = "{0} after {1}")
  @CsvSource({"CATALOG_KEY,clean stop", "CATALOG_VALUE,clean stop", "CATALOG_HEADER,clean stop",
      "CHUNK_VALUE,clean stop", "CHUNK_HEADER,clean stop", "CATALOG_KEY,crash", "CATALOG_HEADER,crash",
      "CHUNK_VALUE,crash", "CHUNK_HEADER,crash"})
  void flippedBytesInTheStoreAreDetectedAndTheStoreIsRebuilt(Target target, String how) throws Exception {
    try (MiniCluster cluster = DiskFaults.cluster().start()) {
      String victim = DiskFaults.follower(cluster);
      CheckpointClient client = cluster.client(b -> b.chunkSize(16 << 10));
      Map<String, byte[]> data = DiskFaults.writeSample(client, "ds");
      DiskFaults.awaitApplied(client, victim, data);
      if (how.equals("crash")) {
        cluster.crash(victim);
      } else {
        cluster.stop(victim);
      }
      damage(cluster.nodeDir(victim).resolve("store"), target);

      cluster.start(victim);

      DiskFaults.assertServesExactly(client, victim, data);
      client.put("ds/after", DiskFaults.text(99));
      DiskFaults.assertServesExactly(client, victim, Map.of("ds/after", DiskFaults.text(99)));
    }
  }

  static void damage(Path store, Target target) throws Exception {
    Path catalog = store.resolve("catalog.cmap");
    Path chunks = store.resolve("chunks-00000.cmap");
    switch (target) {
      case CATALOG_KEY -> Damage.flip(catalog, Damage.findFirst(catalog, "ds/seg3".getBytes()) + 5, 1);
      case CATALOG_VALUE -> {
        // The record repeats the name; flip the bytes after it (version numbers, checksums).
        List<Long> hits = Damage.find(catalog, "ds/seg4".getBytes());
        assertThat(hits).hasSizeGreaterThan(1);
        Damage.flip(catalog, hits.get(hits.size() - 1) + 7, 4);
      }
      case CATALOG_HEADER -> Damage.flip(catalog, 100, 64);
      case CHUNK_VALUE -> Damage.flip(chunks, Damage.findFirst(chunks, "PAYLOAD-5-".getBytes()) + 20, 3);
      case CHUNK_HEADER -> Damage.flip(chunks, 100, 64);
      default -> throw new IllegalArgumentException(target.toString());
    }
  }
}
