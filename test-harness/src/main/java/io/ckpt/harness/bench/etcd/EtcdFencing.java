package io.ckpt.harness.bench.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.nio.charset.StandardCharsets;

/**
 * Owner epochs kept in etcd, fenced the etcd way: a new owner reads the owner key, then commits
 * a transaction that writes the next epoch only if the key's mod revision is still the one it
 * read. When another owner got there first, the transaction's else branch returns the key as it
 * is now and the new owner tries again from there.
 */
final class EtcdFencing {
  /** Every failed attempt means another takeover succeeded, so this bound only stops a runaway. */
  private static final int MAX_ATTEMPTS = 1000;

  private final KV kv;

  EtcdFencing(KV kv) {
    this.kv = kv;
  }

  /** Makes {@code ownerKey}'s epoch one higher than any before; returns the new epoch. */
  long bumpEpoch(ByteSequence ownerKey) throws Exception {
    GetResponse current = Await.result(kv.get(ownerKey), "get of the owner key");
    for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      KeyValue owner = current.getKvs().isEmpty() ? null : current.getKvs().get(0);
      // A key that does not exist compares as mod revision 0.
      long seenRevision = owner == null ? 0 : owner.getModRevision();
      long next = epochOf(owner) + 1;
      TxnResponse txn = Await.result(kv.txn()
          .If(new Cmp(ownerKey, Cmp.Op.EQUAL, CmpTarget.modRevision(seenRevision)))
          .Then(Op.put(ownerKey, encode(next), PutOption.DEFAULT))
          .Else(Op.get(ownerKey, GetOption.DEFAULT))
          .commit(), "takeover transaction");
      if (txn.isSucceeded()) {
        return next;
      }
      current = txn.getGetResponses().get(0);
    }
    throw new IllegalStateException("takeover of " + ownerKey + " lost " + MAX_ATTEMPTS
        + " races in a row to other owners");
  }

  /** The current epoch of {@code ownerKey} (0 before the first takeover), read linearizably. */
  long epoch(ByteSequence ownerKey) throws Exception {
    GetResponse current = Await.result(kv.get(ownerKey), "get of the owner key");
    return epochOf(current.getKvs().isEmpty() ? null : current.getKvs().get(0));
  }

  private static long epochOf(KeyValue owner) {
    return owner == null ? 0 : Long.parseLong(owner.getValue().toString(StandardCharsets.US_ASCII));
  }

  private static ByteSequence encode(long epoch) {
    return ByteSequence.from(Long.toString(epoch), StandardCharsets.US_ASCII);
  }
}
