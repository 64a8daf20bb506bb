package io.ckpt.client.store;

/**
 * Whether Chronicle Map keeps a checksum of each entry of a volume it creates. With checksums,
 * Chronicle's recovery after a crash can tell a torn entry; every put also hashes the whole
 * entry again, which measured as more than half of the time of storing a 1 MiB value. Stores
 * that verify their own checksum (a CRC32C per chunk) on every read can do without them. The
 * choice is recorded in each volume file when it is created: an existing file keeps its own.
 */
public enum EntryChecksums {
  /** Chronicle checksums every entry (Chronicle's default for files). */
  ON,
  /** No Chronicle checksums: the owner must verify the values it reads. */
  OFF
}
