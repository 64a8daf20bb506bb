/**
 * The Ratis adapter: {@link io.ckpt.statemachine.CheckpointStateMachine} turns log entries,
 * queries and snapshot requests into calls on the Raft-free segment store, and refuses bad or
 * over-quota writes before they enter the log.
 */
package io.ckpt.statemachine;
