/**
 * The physical floor of a replicated durable write on this machine: the payload copied over
 * loopback TCP to three replicas that each write it to a file and fsync, with no protocol at
 * all. {@code ckpt bench} compares large ckpt writes with it.
 */
package io.ckpt.harness.bench.copy;
