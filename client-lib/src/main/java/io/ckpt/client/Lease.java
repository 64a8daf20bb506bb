package io.ckpt.client;

import java.time.Duration;

/**
 * Ownership of a segment: writes carrying {@link #epoch()} are accepted until another owner
 * takes over or the lease expires.
 *
 * @param name the segment name
 * @param owner the owner id
 * @param epoch the fencing token; only grows
 * @param ttl the lease time to live (renew well within it)
 */
public record Lease(String name, String owner, long epoch, Duration ttl) {}
