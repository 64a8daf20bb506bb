/**
 * Chaos runs: server processes with fault-injecting peer links, concurrent clients recording a
 * history, a seeded fault schedule carried out by a nemesis, and the verdicts of the checkers
 * once everything is healed ({@code ckpt chaos}). Faults and checks live elsewhere
 * ({@code io.ckpt.harness.net}, {@code io.ckpt.harness.check}); this package only orchestrates.
 */
package io.ckpt.harness.chaos;
