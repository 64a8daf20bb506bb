package io.ckpt.harness.example;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * The state of the example key-value service: a sorted map plus the sequence number of the last
 * applied update. Update {@code i} is a pure function of {@code i} (key {@code k<hash(i) % keys>}
 * := {@code i}), so the state at sequence {@code n} is recomputed exactly by replaying 1..n, and
 * its serialized form is deterministic (sorted keys, fixed layout).
 *
 * <p>Optionally the serialized state carries {@code pad} bytes derived from the sequence number
 * only, so a test can make checkpoints span several upload chunks.
 *
 * <p>Layout: {@code int MAGIC, int keys, int pad, long seq, int count, count × (UTF key, long
 * value), pad bytes}.
 */
public final class KvState {
  static final int MAGIC = 0x4b563031; // "KV01"
  private final int keys;
  private final int pad;
  private final TreeMap<String, Long> map = new TreeMap<>();
  private long seq;

  public KvState(int keys, int pad) {
    if (keys < 1 || keys > 1_000_000) {
      throw new IllegalArgumentException("keys must be 1..1000000, got " + keys);
    }
    if (pad < 0 || pad > (256 << 20)) {
      throw new IllegalArgumentException("pad must be 0..256 MiB, got " + pad);
    }
    this.keys = keys;
    this.pad = pad;
  }

  /** The state after replaying updates 1..n from empty. */
  public static KvState replay(int keys, int pad, long n) {
    KvState s = new KvState(keys, pad);
    s.applyUpTo(n);
    return s;
  }

  /** The key update {@code i} writes. */
  public static String keyOf(long i, int keys) {
    String n = Long.toString(Math.floorMod(mix(i), (long) keys));
    return "k" + "000000".substring(Math.min(6, n.length())) + n;
  }

  /** SplitMix64's finalizer: a fixed, well-spread hash of {@code i}. */
  static long mix(long i) {
    long z = i * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Applies the next update (sequence {@link #seq()} + 1). */
  public void applyNext() {
    seq++;
    map.put(keyOf(seq, keys), seq);
  }

  public void applyUpTo(long n) {
    if (n < seq) {
      throw new IllegalArgumentException("state is at " + seq + ", cannot go back to " + n);
    }
    while (seq < n) {
      applyNext();
    }
  }

  public long seq() {
    return seq;
  }

  public int keys() {
    return keys;
  }

  public int pad() {
    return pad;
  }

  public Map<String, Long> entries() {
    return java.util.Collections.unmodifiableMap(map);
  }

  public byte[] toBytes() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + map.size() * 24 + pad);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(MAGIC);
      out.writeInt(keys);
      out.writeInt(pad);
      out.writeLong(seq);
      out.writeInt(map.size());
      for (Map.Entry<String, Long> e : map.entrySet()) {
        out.writeUTF(e.getKey());
        out.writeLong(e.getValue());
      }
      if (pad > 0) {
        byte[] p = new byte[pad];
        new SplittableRandom(seq).nextBytes(p);
        out.write(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** Parses serialized state (without checking it against a replay: see {@link #replayMatches}). */
  public static KvState fromBytes(byte[] b) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(b))) {
      if (in.readInt() != MAGIC) {
        throw new IllegalArgumentException("not a KvState (bad magic)");
      }
      KvState s = new KvState(in.readInt(), in.readInt());
      s.seq = in.readLong();
      int n = in.readInt();
      if (n < 0 || n > s.keys) {
        throw new IllegalArgumentException("bad entry count " + n);
      }
      for (int i = 0; i < n; i++) {
        s.map.put(in.readUTF(), in.readLong());
      }
      if (in.skipBytes(s.pad) != s.pad || in.read() != -1) {
        throw new IllegalArgumentException("bad length of the padding");
      }
      return s;
    } catch (IOException e) {
      throw new IllegalArgumentException("truncated KvState: " + e.getMessage(), e);
    }
  }

  /** Whether {@code bytes} are exactly the state recomputed by replaying 1..seq. */
  public static boolean replayMatches(byte[] bytes) {
    KvState s = fromBytes(bytes);
    return java.util.Arrays.equals(bytes, replay(s.keys, s.pad, s.seq).toBytes());
  }

  public static int crc32c(byte[] b) {
    CRC32C c = new CRC32C();
    c.update(b);
    return (int) c.getValue();
  }

  public static String hex(int crc) {
    return String.format("%08x", crc);
  }
}
