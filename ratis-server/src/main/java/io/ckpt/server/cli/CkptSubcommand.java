package io.ckpt.server.cli;

import java.util.concurrent.Callable;

/**
 * A {@code ckpt} subcommand contributed by another jar on the class path (found with
 * {@link java.util.ServiceLoader}); the test harness adds {@code chaos} and {@code bench} this
 * way. Implementations are picocli {@code @Command} classes; {@code spec.root().userObject()}
 * is the {@link CkptCommand} with the process's streams.
 */
public interface CkptSubcommand extends Callable<Integer> {}
