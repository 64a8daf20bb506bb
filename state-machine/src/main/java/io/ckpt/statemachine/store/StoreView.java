package io.ckpt.statemachine.store;

import io.ckpt.client.store.ChunkVolumes;
import io.ckpt.protocol.StoreState;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The store at one applied revision ({@link SegmentStore#freeze}), written as a snapshot while
 * later entries apply: a copy of the catalog, the chunks stored before the freeze, and the names
 * of the stream files that hold the chunks kept by reference. Chunks
 * freed after it keep their bytes until {@link #close}, so everything the copied catalog names
 * stays readable; chunks stored after it have ids at or above the frozen next chunk id and are
 * left out.
 */
public final class StoreView implements AutoCloseable {
  private final StoreState state;
  private final List<Map.Entry<String, byte[]>> catalog;
  private final ChunkVolumes volumes;
  private final List<Path> streamFiles;

  StoreView(StoreState state, List<Map.Entry<String, byte[]>> catalog, ChunkVolumes volumes, List<Path> streamFiles) {
    this.state = state;
    this.catalog = catalog; // the copy freeze made, held by nothing else
    this.volumes = volumes;
    this.streamFiles = streamFiles;
  }

  /**
   * The stream files whose bytes the view's chunks name: the snapshot links them (they are not
   * in its file), and a store restored from it needs them back in its stream directory.
   */
  public List<Path> streamFiles() {
    return streamFiles;
  }

  /** The revision (log index) of the last entry the view reflects. */
  public long appliedRevision() {
    return state.getAppliedRevision();
  }

  /** The term of that entry. */
  public long appliedTerm() {
    return state.getAppliedTerm();
  }

  /**
   * Writes the view in the snapshot format ({@link SegmentStore#restoreSnapshot} reads it).
   *
   * @throws java.util.concurrent.CancellationException once {@code cancelled} says so
   */
  public void write(OutputStream out, BooleanSupplier cancelled) throws IOException {
    SnapshotFormat.write(out, state, catalog, volumes, state.getNextChunkId(), cancelled);
  }

  /** Lets the chunks freed since the freeze go. Idempotent. */
  @Override
  public void close() {
    volumes.releaseRemovals();
  }
}
