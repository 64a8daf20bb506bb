/**
 * The systems {@code ckpt bench} measures behind one interface, {@link
 * io.ckpt.harness.bench.systems.BenchTarget}: ckpt itself, a bare Ratis state machine with ckpt's
 * transport and log settings (ckpt's own overhead), and etcd 3.4 driven through jetcd.
 */
package io.ckpt.harness.bench.systems;
