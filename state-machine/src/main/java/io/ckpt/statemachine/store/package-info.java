/**
 * A node's segment store, which knows nothing of Raft: the catalog and chunk volumes in
 * Chronicle Map files, references to the streamed chunks kept in stream files, deterministic
 * apply of log entries (versions, retention, uploads), read queries, admission checks and the
 * checksummed snapshot format.
 */
package io.ckpt.statemachine.store;
