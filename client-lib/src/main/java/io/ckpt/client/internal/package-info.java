/**
 * Client internals: the Raft transport (a pool of Ratis clients, retries, timeouts), group
 * commit of small puts ({@code GroupCommit}) and batching of linearizable gets
 * ({@code ReadBatcher}), chunked uploads and downloads, and the mapping of replies to typed
 * exceptions. Not public API.
 */
package io.ckpt.client.internal;
