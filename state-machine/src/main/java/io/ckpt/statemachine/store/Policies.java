package io.ckpt.statemachine.store;

import io.ckpt.protocol.SegmentPolicy;
import io.ckpt.protocol.SegmentRecord;

/** Resolves a segment's policy against the store's defaults and limits. */
final class Policies {
  private Policies() {}

  /** The policy a segment gets when it is registered without one (explicitly or by a put). */
  static SegmentPolicy defaults(StoreSettings s) {
    return SegmentPolicy.newBuilder().setRetain(s.retainVersions()).setMaxSize(s.maxSegmentBytes()).build();
  }

  /** Fills zero fields with the defaults. */
  static SegmentPolicy resolve(SegmentPolicy p, StoreSettings s) {
    SegmentPolicy d = defaults(s);
    return SegmentPolicy.newBuilder()
        .setRetain(p.getRetain() > 0 ? p.getRetain() : d.getRetain())
        .setMaxSize(p.getMaxSize() > 0 ? p.getMaxSize() : d.getMaxSize())
        .build();
  }

  static int retain(SegmentRecord r, StoreSettings s) {
    return r.getPolicy().getRetain() > 0 ? r.getPolicy().getRetain() : s.retainVersions();
  }

  static long maxSize(SegmentRecord r, StoreSettings s) {
    long own = r.getPolicy().getMaxSize();
    return own > 0 ? Math.min(own, s.maxSegmentBytes()) : s.maxSegmentBytes();
  }

  /** A new record for a name seen for the first time. */
  static SegmentRecord.Builder newRecord(String name, SegmentPolicy policy, String registeredBy, StoreSettings s) {
    return SegmentRecord.newBuilder().setName(name).setPolicy(resolve(policy, s)).setRegisteredBy(registeredBy);
  }
}
