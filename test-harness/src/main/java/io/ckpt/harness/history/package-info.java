/**
 * What a chaos run did, as data: every operation a client invoked, with its inputs, its reply
 * (or the lack of one) and its invocation and completion times. {@link
 * io.ckpt.harness.history.History} records it from concurrent client threads and saves it as
 * JSON lines; the checkers in {@code io.ckpt.harness.check} judge it. Nothing here talks to a
 * cluster.
 */
package io.ckpt.harness.history;
