package io.ckpt.statemachine.store;

import io.ckpt.protocol.ChunkRef;
import io.ckpt.protocol.SegmentRecord;
import io.ckpt.protocol.StagedUpload;
import io.ckpt.protocol.StoredVersion;
import io.ckpt.statemachine.stream.StreamFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The chunks a store keeps by reference in stream files ({@link ChunkRef#getStream()} > 0):
 * how many live chunks name each file and their bytes, and reading them. The counts follow the
 * catalog (apply adds and frees refs; {@link #rebuild} recounts after open and restore), so they
 * say which stream files the store still needs. Thread-safe.
 */
final class StreamRefs {
  private final Path dir;
  /** Stream log index → live chunks naming it. */
  private final Map<Long, Integer> chunks = new HashMap<>();
  private long bytes;

  StreamRefs(Path dir) {
    this.dir = dir;
  }

  Path directory() {
    return dir;
  }

  synchronized void add(ChunkRef ref) {
    chunks.merge(ref.getStream(), 1, Integer::sum);
    bytes += ref.getSize();
  }

  synchronized void remove(ChunkRef ref) {
    Integer n = chunks.get(ref.getStream());
    if (n == null) {
      return; // not counted: freed twice (apply frees a chunk once)
    }
    if (n == 1) {
      chunks.remove(ref.getStream());
    } else {
      chunks.put(ref.getStream(), n - 1);
    }
    bytes -= ref.getSize();
  }

  /** Payload bytes of the live chunks kept in stream files. */
  synchronized long bytes() {
    return bytes;
  }

  /** Whether a live chunk names the stream file of log entry {@code index}. */
  synchronized boolean inUse(long index) {
    return chunks.containsKey(index);
  }

  /** The log indexes of the stream files live chunks name, ascending. */
  synchronized Set<Long> inUse() {
    return new TreeSet<>(chunks.keySet());
  }

  synchronized void clear() {
    chunks.clear();
    bytes = 0;
  }

  /** Recounts from the catalog's versions and staged uploads. */
  synchronized void rebuild(Catalog catalog) {
    clear();
    for (String name : catalog.names()) {
      for (StoredVersion v : catalog.segment(name).map(SegmentRecord::getVersionsList).orElse(List.of())) {
        addStreamed(v.getChunksList());
      }
    }
    for (String id : catalog.uploadIds()) {
      catalog.upload(id).map(StagedUpload::getChunksList).ifPresent(this::addStreamed);
    }
  }

  private void addStreamed(List<ChunkRef> refs) {
    for (ChunkRef ref : refs) {
      if (ref.getStream() > 0) {
        add(ref);
      }
    }
  }

  /**
   * Reads a chunk from its stream file.
   *
   * @throws StoreCorruptException if the file is missing or shorter than the chunk (the store
   *     names bytes this node no longer has)
   */
  byte[] read(ChunkRef ref) {
    Path file = StreamFiles.linkedFile(dir, ref.getStream());
    byte[] data = new byte[ref.getSize()];
    ByteBuffer dst = ByteBuffer.wrap(data);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      if (!StreamFiles.readFully(ch, dst, ref.getOffset())) {
        throw new StoreCorruptException("the stream file " + file + " ends before the chunk it holds at "
            + ref.getOffset() + " (" + ref.getSize() + " bytes)");
      }
    } catch (NoSuchFileException e) {
      throw new StoreCorruptException("the stream file " + file + " holding a stored chunk is missing");
    } catch (IOException e) {
      throw new StoreCorruptException("reading the stream file " + file + ": " + e.getMessage(), e);
    }
    return data;
  }

  /** The stream files live chunks name that are not in the directory. */
  synchronized List<Long> missing() {
    return chunks.keySet().stream().sorted().filter(i -> !Files.exists(StreamFiles.linkedFile(dir, i))).toList();
  }
}
