/**
 * Client internals: the Raft transport (a pool of Ratis clients, retries, timeouts), group
 * commit of small puts ({@code GroupCommit}) and batching of gets
 * ({@code ReadBatcher}: linearizable ones to the leader, stale ones per node), chunked uploads and downloads, and the mapping of replies to typed
 * exceptions. Not public API.
 */
package io.ckpt.client.internal;
