/**
 * Streamed chunks: the files in which a node receives the bytes of chunked uploads sent over
 * Ratis DataStream instead of through the Raft log, from the stream's arrival to its log entry's
 * apply and the snapshot after which the file is no longer needed; and the repair of a node that
 * lacks a stream's bytes, fetched from its peers.
 */
package io.ckpt.statemachine.stream;
