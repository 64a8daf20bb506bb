package io.ckpt.client.internal;

import io.ckpt.client.CheckpointException;
import io.ckpt.client.CorruptDataException;
import io.ckpt.client.FencedException;
import io.ckpt.client.InvalidRequestException;
import io.ckpt.client.QuotaExceededException;
import io.ckpt.client.SegmentNotFoundException;
import io.ckpt.client.SegmentTooLargeException;
import io.ckpt.client.UnavailableException;
import io.ckpt.client.VersionConflictException;
import io.ckpt.client.WriteResult;
import io.ckpt.protocol.Status;
import io.ckpt.protocol.VersionInfo;
import io.ckpt.protocol.WriteReply;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.ratis.protocol.exceptions.AlreadyClosedException;
import org.apache.ratis.protocol.exceptions.StateMachineException;

/** Turns replies and failures from the servers into results and typed exceptions. */
public final class Replies {
  private Replies() {}

  public static WriteResult toResult(VersionInfo v) {
    return new WriteResult(v.getName(), v.getVersion(), v.getRevision(), v.getSize(), v.getCrc32C());
  }

  /** Throws the typed exception for a non-OK status. */
  public static void check(Status status, String message, long expectedVersion, long currentVersion) {
    if (status == Status.OK) {
      return;
    }
    throw toException(status, message, expectedVersion, currentVersion);
  }

  public static WriteResult toResult(WriteReply reply, long expectedVersion) {
    checkWrite(reply, expectedVersion);
    return toResult(reply.getVersion());
  }

  /** Throws the typed exception for a non-OK write reply (fencing and ownership included). */
  public static void checkWrite(WriteReply reply, long expectedVersion) {
    if (reply.getStatus() == Status.FENCED) {
      throw new FencedException(reply.getMessage(), reply.getEpoch(), reply.getOwner());
    }
    check(reply.getStatus(), reply.getMessage(), expectedVersion, reply.getCurrentVersion());
  }

  public static CheckpointException toException(Status status, String message, long expected, long current) {
    return switch (status) {
      case NOT_FOUND -> new SegmentNotFoundException(message);
      case CONFLICT -> new VersionConflictException(message, expected, current);
      case QUOTA_EXCEEDED -> new QuotaExceededException(message);
      case TOO_LARGE -> new SegmentTooLargeException(message);
      case CORRUPT -> new CorruptDataException(message);
      case INVALID -> new InvalidRequestException(message);
      case FENCED -> new FencedException(message, -1, "");
      case UNAVAILABLE -> new UnavailableException(message);
      default -> new CheckpointException(status + ": " + message);
    };
  }

  /** Maps any failure of a call to a typed exception, keeping it as the cause. */
  public static CheckpointException toException(Throwable t, String what) {
    Throwable c = unwrap(t);
    if (c instanceof CheckpointException ce) {
      return ce;
    }
    var rejection = Rejections.find(c);
    if (rejection.isPresent()) {
      return toException(rejection.get().status(), rejection.get().message(), -1, -1);
    }
    if (c instanceof TimeoutException) {
      return new UnavailableException(what + ": no answer in time (cluster unreachable or without leader)", c);
    }
    if (c instanceof AlreadyClosedException) {
      return new UnavailableException(what + ": the client is closed", c);
    }
    if (c instanceof StateMachineException) {
      return new CheckpointException(what + " failed on the server: " + c.getMessage(), c);
    }
    if (c instanceof InterruptedException) {
      Thread.currentThread().interrupt();
      return new UnavailableException(what + ": interrupted", c);
    }
    return new UnavailableException(what + " failed: " + c.getClass().getSimpleName() + ": " + c.getMessage(), c);
  }

  static Throwable unwrap(Throwable t) {
    Throwable c = t;
    while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
      c = c.getCause();
    }
    return c;
  }
}
