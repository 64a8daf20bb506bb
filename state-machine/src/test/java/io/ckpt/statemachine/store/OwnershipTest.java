package io.ckpt.statemachine.store;

import static io.ckpt.statemachine.store.StoreFixture.SETTINGS;
import static io.ckpt.statemachine.store.StoreFixture.acquire;
import static io.ckpt.statemachine.store.StoreFixture.bytes;
import static io.ckpt.statemachine.store.StoreFixture.expire;
import static io.ckpt.statemachine.store.StoreFixture.get;
import static io.ckpt.statemachine.store.StoreFixture.put;
import static io.ckpt.statemachine.store.StoreFixture.putWithEpoch;
import static io.ckpt.statemachine.store.StoreFixture.read;
import static io.ckpt.statemachine.store.StoreFixture.register;
import static io.ckpt.statemachine.store.StoreFixture.release;
import static io.ckpt.statemachine.store.StoreFixture.watch;
import static org.assertj.core.api.Assertions.assertThat;

import io.ckpt.protocol.LogEntry;
import io.ckpt.protocol.Status;
import io.ckpt.protocol.WriteReply;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Registration, owner epochs, fencing and watch answers, applied on a real store. */
class OwnershipTest {
  @TempDir Path dir;
  SegmentStore store;
  long revision;

  @BeforeEach
  void open() throws Exception {
    store = SegmentStore.open(dir, SETTINGS);
  }

  @AfterEach
  void close() {
    store.close();
  }

  WriteReply apply(LogEntry e) {
    return store.apply(1, ++revision, e);
  }

  @Test
  void registrationIsIdempotentWithTheSamePolicyAndAConflictWithAnother() {
    assertThat(apply(register("reg", 5, 1000)).getStatus()).isEqualTo(Status.OK);
    assertThat(apply(register("reg", 5, 1000)).getStatus()).isEqualTo(Status.OK);
    WriteReply other = apply(register("reg", 2, 1000));
    assertThat(other.getStatus()).isEqualTo(Status.CONFLICT);
    assertThat(other.getPolicy().getRetain()).isEqualTo(5);
    var described = get(store, "reg", 0);
    assertThat(described.getStatus()).isEqualTo(Status.NOT_FOUND);
    assertThat(described.getMessage()).contains("registered but has no versions");
    assertThat(described.getPolicy().getRetain()).isEqualTo(5);
    assertThat(described.getRegisteredBy()).isEqualTo("test");
    // A put registers implicitly with the defaults; registering the defaults again is idempotent.
    apply(put("implicit", bytes(10, 1)));
    assertThat(apply(register("implicit", 0, 0)).getStatus()).isEqualTo(Status.OK);
  }

  @Test
  void registeredPolicyGovernsRetentionAndSize() {
    apply(register("pol", 1, 100));
    assertThat(apply(put("pol", bytes(101, 1))).getStatus()).isEqualTo(Status.TOO_LARGE);
    apply(put("pol", bytes(100, 1)));
    apply(put("pol", bytes(100, 2)));
    assertThat(get(store, "pol", 0).getRetainedVersionsList()).containsExactly(2L);
  }

  @Test
  void epochsGrowWithEveryChangeOfOwnerAndFenceOlderWriters() {
    WriteReply a = apply(acquire("seg", "alpha", false));
    assertThat(a.getEpoch()).isEqualTo(1);
    assertThat(apply(acquire("seg", "alpha", false)).getEpoch()).as("re-entrant for the same owner").isEqualTo(1);
    WriteReply refused = apply(acquire("seg", "beta", false));
    assertThat(refused.getStatus()).isEqualTo(Status.CONFLICT);
    assertThat(refused.getOwner()).isEqualTo("alpha");

    assertThat(apply(putWithEpoch("seg", bytes(10, 1), 1)).getStatus()).isEqualTo(Status.OK);
    WriteReply taken = apply(acquire("seg", "beta", true));
    assertThat(taken.getEpoch()).isEqualTo(2);
    WriteReply fenced = apply(putWithEpoch("seg", bytes(10, 2), 1));
    assertThat(fenced.getStatus()).isEqualTo(Status.FENCED);
    assertThat(fenced.getEpoch()).isEqualTo(2);
    assertThat(read(store, "seg", 0)).isEqualTo(bytes(10, 1));
    assertThat(apply(putWithEpoch("seg", bytes(10, 3), 3)).getStatus()).as("an epoch never issued").isEqualTo(Status.FENCED);
    assertThat(apply(putWithEpoch("seg", bytes(10, 4), 2)).getVersion().getVersion()).isEqualTo(2);

    assertThat(apply(release("seg", "alpha", 1)).getStatus()).isEqualTo(Status.FENCED);
    WriteReply released = apply(release("seg", "beta", 2));
    assertThat(released.getEpoch()).isEqualTo(3);
    assertThat(released.getOwner()).isEmpty();
    assertThat(apply(putWithEpoch("seg", bytes(10, 5), 2)).getStatus()).isEqualTo(Status.FENCED);
  }

  @Test
  void expiryEndsOnlyTheEpochItNames() {
    apply(acquire("seg", "alpha", false));
    apply(acquire("seg", "beta", true));
    assertThat(apply(expire("seg", 1)).getEpoch()).as("stale expiry changes nothing").isZero();
    assertThat(get(store, "seg", 0).getOwner()).isEqualTo("beta");
    apply(expire("seg", 2));
    var after = get(store, "seg", 0);
    assertThat(after.getOwner()).isEmpty();
    assertThat(after.getEpoch()).isEqualTo(3);
    assertThat(apply(acquire("seg", "gamma", false)).getEpoch()).isEqualTo(4);
  }

  @Test
  void deleteKeepsTheVersionCounterAndTheEpoch() {
    apply(acquire("seg", "alpha", false));
    apply(putWithEpoch("seg", bytes(10, 1), 1));
    apply(putWithEpoch("seg", bytes(10, 2), 1));
    assertThat(apply(StoreFixture.delete("seg")).getStatus()).isEqualTo(Status.OK);
    assertThat(get(store, "seg", 0).getStatus()).isEqualTo(Status.NOT_FOUND);
    assertThat(store.status().getUsedBytes()).isZero();
    WriteReply again = apply(putWithEpoch("seg", bytes(10, 3), 1));
    assertThat(again.getVersion().getVersion()).isEqualTo(3);
    assertThat(apply(StoreFixture.putIfVersion("seg", bytes(10, 4), 3)).getStatus()).isEqualTo(Status.OK);
  }

  @Test
  void noCreateRefusesUnregisteredNames() {
    var e = put("fresh", bytes(10, 1)).toBuilder();
    e.getPutBuilder().getConditionBuilder().setNoCreate(true);
    assertThat(apply(e.build()).getStatus()).isEqualTo(Status.NOT_FOUND);
    apply(register("fresh", 0, 0));
    assertThat(apply(e.build()).getStatus()).isEqualTo(Status.OK);
  }

  @Test
  void watchReportsNewVersionsInOrderAndWhatRetentionRemoved() {
    assertThat(watch(store, "w", 0).getEntriesCount()).isZero();
    for (int i = 1; i <= 5; i++) {
      apply(put("w", bytes(10, i)));
    }
    var fromStart = watch(store, "w", 0);
    assertThat(fromStart.getEntriesList()).extracting(v -> v.getVersion()).containsExactly(3L, 4L, 5L);
    assertThat(fromStart.getMissedTo()).isEqualTo(2);
    var recent = watch(store, "w", 3);
    assertThat(recent.getEntriesList()).extracting(v -> v.getVersion()).containsExactly(4L, 5L);
    assertThat(recent.getMissedTo()).isZero();
    assertThat(watch(store, "w", 5).getEntriesCount()).isZero();
  }
}
