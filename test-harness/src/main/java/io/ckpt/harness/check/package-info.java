/**
 * Checkers that judge a recorded {@link io.ckpt.harness.history.History} of a chaos run: {@link
 * io.ckpt.harness.check.LinearizabilityChecker} (linearizable reads, puts and acquires, searched
 * per key against {@link io.ckpt.harness.check.RegisterModel}), {@link
 * io.ckpt.harness.check.StaleReadChecker} (stale reads keep their own weaker promise) and
 * {@link io.ckpt.harness.check.AckedWritesChecker} (no acknowledged write is lost). Each gives a
 * {@link io.ckpt.harness.check.Report}: one line for the chaos command, details for a failure.
 */
package io.ckpt.harness.check;
