package io.ckpt.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ckpt.client.CheckpointException;
import io.ckpt.client.CorruptDataException;
import io.ckpt.client.FencedException;
import io.ckpt.client.InvalidRequestException;
import io.ckpt.client.OwnershipConflictException;
import io.ckpt.client.QuotaExceededException;
import io.ckpt.client.SegmentNotFoundException;
import io.ckpt.client.SegmentTooLargeException;
import io.ckpt.client.UnavailableException;
import io.ckpt.client.VersionConflictException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class ErrorsTest {
  @Test
  void mapsEachClientExceptionToItsExitCode() {
    assertThat(Errors.exitCode(new InvalidRequestException("bad name"))).isEqualTo(1);
    assertThat(Errors.exitCode(new SegmentNotFoundException("no a"))).isEqualTo(2);
    assertThat(Errors.exitCode(new VersionConflictException("conflict", 3, 4))).isEqualTo(3);
    assertThat(Errors.exitCode(new UnavailableException("no leader"))).isEqualTo(4);
    assertThat(Errors.exitCode(new TimeoutException("slow"))).isEqualTo(4);
    assertThat(Errors.exitCode(new QuotaExceededException("full"))).isEqualTo(1);
    assertThat(Errors.exitCode(new SegmentTooLargeException("big"))).isEqualTo(1);
    assertThat(Errors.exitCode(new CorruptDataException("bad crc"))).isEqualTo(1);
    assertThat(Errors.exitCode(new CheckpointException("other"))).isEqualTo(1);
    assertThat(Errors.exitCode(new IllegalStateException("bug"))).isEqualTo(1);
  }

  @Test
  void looksThroughWrappers() {
    Exception wrapped = new CompletionException(new RuntimeException(new SegmentNotFoundException("no a")));
    assertThat(Errors.exitCode(wrapped)).isEqualTo(2);
    assertThat(Errors.message(wrapped)).isEqualTo("no a");
    Exception io = new UncheckedIOException(new NoSuchFileException("/x/y"));
    assertThat(Errors.exitCode(io)).isEqualTo(1);
    assertThat(Errors.message(io)).isEqualTo("no such file: /x/y");
  }

  @Test
  void saysWhichKindOfInputError() {
    assertThat(Errors.message(new QuotaExceededException("store full"))).isEqualTo("quota exceeded: store full");
    assertThat(Errors.message(new SegmentTooLargeException("2 GiB > 1 GiB"))).isEqualTo("segment too large: 2 GiB > 1 GiB");
    assertThat(Errors.message(new CorruptDataException("chunk 3"))).isEqualTo("corrupt data: chunk 3");
  }

  @Test
  void messagesAreOneLine() {
    assertThat(Errors.message(new CheckpointException("first\nsecond\r\nthird\n"))).isEqualTo("first; second; third");
    assertThat(Errors.message(new IllegalStateException())).isEqualTo("IllegalStateException: IllegalStateException");
  }

  @Test
  void fencingAndOwnershipConflictsAreConflicts() {
    FencedException fenced = new FencedException("a: epoch 1 is fenced; the current epoch is 2 (owner w2)", 2, "w2");
    assertThat(Errors.exitCode(fenced)).isEqualTo(Errors.CONFLICT);
    assertThat(Errors.message(fenced)).isEqualTo("a: epoch 1 is fenced; the current epoch is 2 (owner w2)");
    OwnershipConflictException owned = new OwnershipConflictException("a is owned by w1 (epoch 1)", "w1", 1);
    assertThat(Errors.exitCode(owned)).isEqualTo(Errors.CONFLICT);
    assertThat(Errors.exitCode(new CompletionException(new RuntimeException(fenced)))).isEqualTo(Errors.CONFLICT);
    assertThat(Errors.exitCode(new CompletionException(owned))).isEqualTo(Errors.CONFLICT);
  }

  @Test
  void failureCarriesItsOwnCode() {
    assertThat(Errors.exitCode(new Errors.Failure(4, "no leader"))).isEqualTo(4);
    assertThat(Errors.exitCode(Errors.usage("no such file: x"))).isEqualTo(1);
  }
}
