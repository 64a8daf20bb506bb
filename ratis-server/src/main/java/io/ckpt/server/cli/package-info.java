/**
 * The {@code ckpt} command line: picocli commands over {@link io.ckpt.client.CheckpointClient}
 * and {@link io.ckpt.server.node.CkptNode}, with the exit-code and error-line contract in
 * {@link io.ckpt.server.cli.Errors} and {@code --json} output from {@link io.ckpt.server.cli.Json}.
 */
package io.ckpt.server.cli;
