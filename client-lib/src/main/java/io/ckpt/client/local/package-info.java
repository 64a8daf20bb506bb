/**
 * The client's local memory-mapped store: segments loaded from the cluster, kept in Chronicle
 * Map files in a directory the application names, readable at memory speed and after restarts.
 *
 * <p>{@link io.ckpt.client.local.LocalStore} is the public face. Behind it, {@code LocalCatalog}
 * keeps the committed versions (a Chronicle Map file mirrored in memory), {@code LoadedVersion}
 * reference-counts each version so reads never see its chunks freed, {@code ChunkReader} copies
 * and checks chunks into the caller's buffer, and {@code ReadGate} lets reads run without a lock
 * until the store closes.
 */
package io.ckpt.client.local;
