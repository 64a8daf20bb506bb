package io.ckpt.statemachine.store;

import static io.ckpt.statemachine.store.StoreFixture.bytes;
import static io.ckpt.statemachine.store.StoreFixture.put;
import static org.assertj.core.api.Assertions.assertThat;

import io.ckpt.protocol.BatchQuery;
import io.ckpt.protocol.GetQuery;
import io.ckpt.protocol.Query;
import io.ckpt.protocol.QueryReply;
import io.ckpt.protocol.Status;
import java.nio.file.Path;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Read batching: every get of a batch query is answered as if alone, from one state. */
class BatchQueryTest {
  @TempDir Path dir;

  static GetQuery get(String name, long version, boolean firstChunk) {
    return GetQuery.newBuilder().setName(name).setVersion(version).setIncludeFirstChunk(firstChunk).build();
  }

  static QueryReply alone(SegmentStore store, GetQuery q) {
    return store.query(Query.newBuilder().setGet(q).build());
  }

  static QueryReply batch(SegmentStore store, GetQuery... gets) {
    return store.query(Query.newBuilder().setBatch(BatchQuery.newBuilder().addAllGets(java.util.List.of(gets))).build());
  }

  @Test
  void eachMemberIsAnsweredExactlyAsIfAlone() throws Exception {
    try (SegmentStore store = SegmentStore.open(dir, StoreFixture.SETTINGS)) {
      store.apply(1, 1, put("a", bytes(100, 1)));
      store.apply(1, 2, put("b", new byte[0]));
      store.apply(1, 3, put("a", bytes(200, 2)));
      GetQuery[] gets = {get("a", 0, true), get("missing", 0, true), get("b", 0, true), get("a", 1, true),
          get("a", 0, false), get("a", 9, true), get("bad..name", 0, true)};
      QueryReply reply = batch(store, gets);

      assertThat(reply.getStatus()).isEqualTo(Status.OK);
      assertThat(reply.getBatchCount()).isEqualTo(gets.length);
      for (int i = 0; i < gets.length; i++) {
        assertThat(reply.getBatch(i)).as("member %d", i).isEqualTo(alone(store, gets[i]));
      }
      assertThat(reply.getBatch(1).getStatus()).isEqualTo(Status.NOT_FOUND);
      assertThat(reply.getBatch(0).getData().size()).isEqualTo(200);
      assertThat(reply.getBatch(3).getInfo().getVersion()).isEqualTo(1);
      assertThat(reply.getBatch(6).getStatus()).isEqualTo(Status.INVALID);
      assertThat(store.batchQueries()).isEqualTo(1);
      assertThat(store.batchedGets()).isEqualTo(gets.length);
    }
  }

  @Test
  void anEmptyOrOversizedBatchIsInvalid() throws Exception {
    try (SegmentStore store = SegmentStore.open(dir, StoreFixture.SETTINGS)) {
      store.apply(1, 1, put("a", bytes(10, 1)));
      QueryReply empty = batch(store);
      assertThat(empty.getStatus()).isEqualTo(Status.INVALID);
      assertThat(empty.getMessage()).isEqualTo("a batch query carries 1..1024 gets, got 0");
      QueryReply huge = batch(store, IntStream.range(0, Queries.MAX_BATCH_GETS + 1)
          .mapToObj(i -> get("a", 0, true)).toArray(GetQuery[]::new));
      assertThat(huge.getStatus()).isEqualTo(Status.INVALID);
      assertThat(huge.getMessage()).isEqualTo("a batch query carries 1..1024 gets, got 1025");
      assertThat(huge.getBatchCount()).isZero();
      QueryReply full = batch(store, IntStream.range(0, Queries.MAX_BATCH_GETS)
          .mapToObj(i -> get("a", 0, true)).toArray(GetQuery[]::new));
      assertThat(full.getBatchList()).hasSize(Queries.MAX_BATCH_GETS)
          .allSatisfy(r -> assertThat(r.getData().size()).isEqualTo(10));
    }
  }

  @Test
  void membersPastTheByteBudgetComeWithoutTheirFirstChunk() throws Exception {
    try (SegmentStore store = SegmentStore.open(dir, StoreFixture.SETTINGS)) {
      int chunk = 400 << 10;
      for (int i = 0; i < 4; i++) {
        store.apply(1, i + 1, put("s" + i, bytes(chunk, i)));
      }
      QueryReply reply = batch(store, get("s0", 0, true), get("s1", 0, true), get("s2", 0, true), get("s3", 0, true));
      // Two chunks fit in the 1 MiB budget; the third would not, the fourth neither.
      assertThat(reply.getBatchList()).extracting(r -> r.getData().size()).containsExactly(chunk, chunk, 0, 0);
      assertThat(reply.getBatchList()).allSatisfy(r -> {
        assertThat(r.getStatus()).isEqualTo(Status.OK);
        assertThat(r.getInfo().getSize()).isEqualTo(chunk);
        assertThat(r.getInfo().getChunkCount()).isEqualTo(1);
      });
      assertThat(reply.getBatch(2)).isEqualTo(alone(store, get("s2", 0, false)));
      long data = reply.getBatchList().stream().mapToLong(r -> r.getData().size()).sum();
      assertThat(data).isLessThanOrEqualTo(Queries.BATCH_DATA_BUDGET);
    }
  }
}
