package io.ckpt.client.store;

/** Receives the stored values of a {@link ChunkVolumes}, see {@link ChunkVolumes#forEach}. */
@FunctionalInterface
public interface ChunkVisitor {
  /**
   * Called once per stored value.
   *
   * @param volume the index of the volume holding the value
   * @param id the value's id within that volume
   * @param value a copy of the value's bytes
   */
  void visit(int volume, long id, byte[] value);
}
