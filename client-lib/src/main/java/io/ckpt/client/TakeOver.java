package io.ckpt.client;

import java.time.Duration;
import java.util.Optional;

/**
 * What {@link CheckpointSession#takeOver()} did.
 *
 * @param lease the new ownership (its epoch fences the previous owner)
 * @param state the version now in the local store, empty when the segment had none
 * @param fromStandby whether the local store already held it (no bulk transfer)
 * @param took how long the takeover took
 */
public record TakeOver(Lease lease, Optional<SegmentInfo> state, boolean fromStandby, Duration took) {}
