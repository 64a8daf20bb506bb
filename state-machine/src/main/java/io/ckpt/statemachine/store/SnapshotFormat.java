package io.ckpt.statemachine.store;

import io.ckpt.client.store.ChunkVolumes;
import io.ckpt.client.util.Crc32c;
import io.ckpt.protocol.StoreState;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

/**
 * The snapshot file: a header, one record per catalog entry and per chunk, and a trailer.
 * Every record carries its own CRC32C and the trailer counts the records, so a damaged or
 * truncated snapshot is detected when it is read and never loaded.
 *
 * <pre>
 * "CKPTSNAP" u32:format u64:appliedRevision u64:appliedTerm
 * { u8:1 u16:keyLen key u32:valueLen value u32:crc }   catalog entry
 * { u8:2 u32:volume u64:id u32:len bytes u32:crc }      chunk
 * u8:0 u64:records u32:crc                              trailer
 * </pre>
 */
final class SnapshotFormat {
  private static final byte[] MAGIC = "CKPTSNAP".getBytes(StandardCharsets.US_ASCII);
  private static final int FORMAT = 1;
  private static final int CATALOG = 1;
  private static final int CHUNK = 2;
  private static final int END = 0;
  private static final int MAX_RECORD = 64 << 20;

  private SnapshotFormat() {}

  /**
   * Writes the catalog records given and every chunk of {@code volumes} whose id is below
   * {@code chunkIdLimit} (the chunks stored later belong to revisions after {@code state}).
   *
   * @throws CancellationException once {@code cancelled} says so (checked before each record)
   */
  static void write(OutputStream raw, StoreState state, List<Map.Entry<String, byte[]>> catalog, ChunkVolumes volumes,
      long chunkIdLimit, BooleanSupplier cancelled) throws IOException {
    DataOutputStream out = new DataOutputStream(new BufferedOutputStream(raw, 1 << 20));
    out.write(MAGIC);
    out.writeInt(FORMAT);
    out.writeLong(state.getAppliedRevision());
    out.writeLong(state.getAppliedTerm());
    long[] records = {0};
    try {
      for (Map.Entry<String, byte[]> record : catalog) {
        checkCancelled(cancelled);
        byte[] k = record.getKey().getBytes(StandardCharsets.UTF_8);
        byte[] value = record.getValue();
        out.writeByte(CATALOG);
        out.writeShort(k.length);
        out.write(k);
        out.writeInt(value.length);
        out.write(value);
        out.writeInt(Crc32c.combine(Crc32c.of(k), Crc32c.of(value), value.length));
        records[0]++;
      }
      volumes.forEach(chunkIdLimit, (volume, id, value) -> {
        checkCancelled(cancelled);
        try {
          out.writeByte(CHUNK);
          out.writeInt(volume);
          out.writeLong(id);
          out.writeInt(value.length);
          out.write(value);
          out.writeInt(Crc32c.of(value) ^ Long.hashCode(id) ^ volume);
          records[0]++;
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    out.writeByte(END);
    out.writeLong(records[0]);
    out.writeInt(Long.hashCode(records[0]) ^ 0x5eed);
    out.flush();
  }

  private static void checkCancelled(BooleanSupplier cancelled) {
    if (cancelled.getAsBoolean()) {
      throw new CancellationException("snapshot cancelled");
    }
  }

  /**
   * Reads a snapshot into an empty catalog and volumes, or with both null only checks it;
   * throws StoreCorruptException on damage.
   */
  static void read(InputStream raw, Catalog catalog, ChunkVolumes volumes) throws IOException {
    DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 20));
    try {
      byte[] magic = in.readNBytes(MAGIC.length);
      if (!java.util.Arrays.equals(magic, MAGIC)) {
        throw new StoreCorruptException("not a ckpt snapshot (bad magic)");
      }
      int format = in.readInt();
      if (format != FORMAT) {
        throw new StoreCorruptException("unsupported snapshot format " + format);
      }
      in.readLong();
      in.readLong();
      long records = 0;
      while (true) {
        int type = in.readUnsignedByte();
        if (type == END) {
          long count = in.readLong();
          int check = in.readInt();
          if (count != records || check != (Long.hashCode(count) ^ 0x5eed)) {
            throw new StoreCorruptException("snapshot trailer says " + count + " records, read " + records);
          }
          return;
        }
        if (type == CATALOG) {
          byte[] k = in.readNBytes(in.readUnsignedShort());
          byte[] v = readBytes(in);
          if (in.readInt() != Crc32c.combine(Crc32c.of(k), Crc32c.of(v), v.length)) {
            throw new StoreCorruptException("snapshot catalog record " + records + " fails its CRC32C");
          }
          if (catalog != null) {
            catalog.putRaw(new String(k, StandardCharsets.UTF_8), v);
          }
        } else if (type == CHUNK) {
          int volume = in.readInt();
          long id = in.readLong();
          byte[] v = readBytes(in);
          if (in.readInt() != (Crc32c.of(v) ^ Long.hashCode(id) ^ volume)) {
            throw new StoreCorruptException("snapshot chunk record " + records + " fails its CRC32C");
          }
          if (volumes != null) {
            volumes.ensureVolumes(volume + 1);
            volumes.put(volume, id, v);
          }
        } else {
          throw new StoreCorruptException("snapshot record " + records + " has unknown type " + type);
        }
        records++;
      }
    } catch (EOFException e) {
      throw new StoreCorruptException("snapshot is truncated", e);
    }
  }

  private static byte[] readBytes(DataInputStream in) throws IOException {
    int len = in.readInt();
    if (len < 0 || len > MAX_RECORD) {
      throw new StoreCorruptException("snapshot record length " + len + " is out of range");
    }
    byte[] b = in.readNBytes(len);
    if (b.length != len) {
      throw new EOFException();
    }
    return b;
  }
}
