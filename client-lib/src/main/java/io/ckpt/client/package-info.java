/**
 * The public, embeddable ckpt client: {@link io.ckpt.client.CheckpointClient}, its value types
 * ({@link io.ckpt.client.SegmentInfo}, {@link io.ckpt.client.WriteResult},
 * {@link io.ckpt.client.Segment}) and its typed exceptions. No Ratis type appears here.
 */
package io.ckpt.client;
