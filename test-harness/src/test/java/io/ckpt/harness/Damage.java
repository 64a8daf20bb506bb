package io.ckpt.harness;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Damages files of a stopped node the way a failing disk would: flipped bytes, lost tails. */
final class Damage {
  private Damage() {}

  /** Inverts {@code count} bytes starting at {@code offset}. */
  static void flip(Path file, long offset, int count) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      for (int i = 0; i < count; i++) {
        f.seek(offset + i);
        int b = f.read();
        f.seek(offset + i);
        f.write(~b & 0xff);
      }
      f.getFD().sync();
    }
  }

  /** Cuts the last {@code bytes} bytes off a file. */
  static void cutTail(Path file, long bytes) throws IOException {
    truncate(file, Files.size(file) - bytes);
  }

  static void truncate(Path file, long size) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.truncate(size);
      ch.force(true);
    }
  }

  /** Offsets of every occurrence of {@code pattern} in the file. */
  static List<Long> find(Path file, byte[] pattern) throws IOException {
    List<Long> hits = new ArrayList<>();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer buf = ByteBuffer.allocate(1 << 20);
      long base = 0;
      byte[] carry = new byte[0];
      while (true) {
        buf.clear();
        int n = ch.read(buf, base);
        if (n <= 0) {
          break;
        }
        byte[] chunk = new byte[carry.length + n];
        System.arraycopy(carry, 0, chunk, 0, carry.length);
        System.arraycopy(buf.array(), 0, chunk, carry.length, n);
        long chunkStart = base - carry.length;
        outer:
        for (int i = 0; i + pattern.length <= chunk.length; i++) {
          for (int j = 0; j < pattern.length; j++) {
            if (chunk[i + j] != pattern[j]) {
              continue outer;
            }
          }
          if (hits.isEmpty() || hits.get(hits.size() - 1) != chunkStart + i) {
            hits.add(chunkStart + i);
          }
        }
        int keep = Math.min(pattern.length - 1, chunk.length);
        carry = java.util.Arrays.copyOfRange(chunk, chunk.length - keep, chunk.length);
        base += n;
      }
    }
    return hits;
  }

  /** The first offset of {@code pattern}; fails if it is absent. */
  static long findFirst(Path file, byte[] pattern) throws IOException {
    List<Long> hits = find(file, pattern);
    if (hits.isEmpty()) {
      throw new IllegalStateException("pattern not found in " + file);
    }
    return hits.get(0);
  }

  /** Files in a directory whose names match a glob, sorted by name. */
  static List<Path> files(Path dir, String glob) throws IOException {
    List<Path> out = new ArrayList<>();
    try (var ds = Files.newDirectoryStream(dir, glob)) {
      ds.forEach(out::add);
    }
    out.sort(null);
    return out;
  }

  /** The node's Raft group directory ({@code raft/<group id>}). */
  static Path groupDir(Path nodeDir) throws IOException {
    try (Stream<Path> s = Files.list(nodeDir.resolve("raft"))) {
      return s.filter(Files::isDirectory).findFirst().orElseThrow();
    }
  }

  /**
   * The file offsets at which each entry of a Raft log segment ends (the segment format:
   * an 8-byte header, then per entry a varint length, the entry and a 4-byte CRC32C; zeros
   * after the last entry).
   */
  static List<Long> logEntryEnds(Path segment) throws IOException {
    byte[] b = Files.readAllBytes(segment);
    List<Long> ends = new ArrayList<>();
    int pos = 8;
    while (pos < b.length && b[pos] != 0) {
      int len = 0;
      int shift = 0;
      while (true) {
        int x = b[pos++] & 0xff;
        len |= (x & 0x7f) << shift;
        if ((x & 0x80) == 0) {
          break;
        }
        shift += 7;
      }
      pos += len + 4;
      if (pos > b.length) {
        break;
      }
      ends.add((long) pos);
    }
    return ends;
  }
}
