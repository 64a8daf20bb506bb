/**
 * Small, dependency-free helpers shared by the client and the nodes: CRC32C computation and
 * combination ({@link io.ckpt.client.util.Crc32c}), segment-name rules
 * ({@link io.ckpt.client.util.SegmentNames}), and parsing/formatting of human-readable sizes
 * and durations ({@link io.ckpt.client.util.Sizes}, {@link io.ckpt.client.util.Durations}) as
 * used by configuration and the command line.
 */
package io.ckpt.client.util;
