/**
 * What {@code ckpt bench} measured, as data: the matrix point ({@link
 * io.ckpt.harness.bench.results.Cell}), its result, the invocation that measured it, and the
 * JSON-lines files that keep them ({@link io.ckpt.harness.bench.results.ResultsFile}).
 */
package io.ckpt.harness.bench.results;
