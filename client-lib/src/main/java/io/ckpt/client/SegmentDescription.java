package io.ckpt.client;

import java.util.List;
import java.util.Optional;

/**
 * Everything known about a registered segment.
 *
 * @param name the segment name
 * @param policy the policy it was registered with (defaults filled in)
 * @param registeredBy who registered it (empty when a first put registered it)
 * @param owner the current owner, empty when none
 * @param epoch the current owner epoch (0 before the first acquire)
 * @param latest the latest committed version, empty when it has none
 * @param retainedVersions versions still retained, oldest first
 */
public record SegmentDescription(String name, SegmentPolicy policy, String registeredBy, String owner, long epoch,
    Optional<SegmentInfo> latest, List<Long> retainedVersions) {}
