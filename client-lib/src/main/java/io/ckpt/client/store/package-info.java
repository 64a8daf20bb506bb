/**
 * Local storage of chunk bytes in memory-mapped Chronicle Map files.
 *
 * <p>{@link io.ckpt.client.store.ChunkVolumes} is the storage primitive shared by each node's
 * state machine and by the client's local store: a growable set of fixed-capacity Chronicle Map
 * files ("volumes") with deterministic placement and byte accounting, so that every replica that
 * applies the same puts and removes makes the same placement decisions and refuses the same
 * writes ({@link io.ckpt.client.store.VolumeFullException}) instead of failing inside Chronicle
 * Map. {@link io.ckpt.client.store.VolumeSpec} fixes the geometry of the volumes.
 */
package io.ckpt.client.store;
