package io.ckpt.statemachine.store;

import static io.ckpt.statemachine.store.StoreFixture.SETTINGS;
import static io.ckpt.statemachine.store.StoreFixture.bytes;
import static io.ckpt.statemachine.store.StoreFixture.get;
import static io.ckpt.statemachine.store.StoreFixture.put;
import static org.assertj.core.api.Assertions.assertThat;

import io.ckpt.protocol.QueryReply;
import io.ckpt.protocol.Status;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regression (found by the chaos run): a query answered beside apply reported the revision the
 * store had applied before it read the record, so a stale read could claim revision 301 while
 * returning a version committed at 303. The revision an answer reports must be the state it read.
 */
class ReadRevisionTest {
  @TempDir Path dir;

  @Test
  void anAnswerReflectsExactlyTheRevisionItReports() throws Exception {
    try (SegmentStore store = SegmentStore.open(dir, SETTINGS)) {
      store.apply(1, 1, put("a", bytes(64, 0)));
      AtomicBoolean done = new AtomicBoolean();
      Thread writer = new Thread(() -> {
        for (long revision = 2; revision <= 3000; revision++) {
          store.apply(1, revision, put("a", bytes(64, (int) revision)));
        }
        done.set(true);
      });
      writer.start();
      List<String> wrong = new ArrayList<>();
      int reads = 0;
      while (!done.get() || reads == 0) {
        QueryReply r = get(store, "a", 0);
        reads++;
        // Every revision writes "a": the latest version of "a" was committed at the applied revision.
        if (r.getStatus() != Status.OK || r.getInfo().getRevision() != r.getAppliedRevision()) {
          wrong.add("version " + r.getInfo().getVersion() + " committed at " + r.getInfo().getRevision()
              + " reported with applied revision " + r.getAppliedRevision() + " (" + r.getStatus() + ")");
        }
      }
      writer.join();
      assertThat(wrong).as("answers out of step with their revision, of %d reads", reads).isEmpty();
    }
  }
}
