/**
 * The report of {@code ckpt bench}: a markdown file with the runs, the systems, the ratios the
 * benchmark issue sets targets for and a table per workload, and a PNG bar chart per workload
 * drawn with Java2D (headless). Built from a results directory alone, so it can be regenerated
 * and merged across invocations.
 */
package io.ckpt.harness.bench.report;
