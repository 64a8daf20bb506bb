package io.ckpt.server.cli;

import io.ckpt.client.CheckpointException;
import io.ckpt.client.CorruptDataException;
import io.ckpt.client.FencedException;
import io.ckpt.client.OwnershipConflictException;
import io.ckpt.client.QuotaExceededException;
import io.ckpt.client.SegmentNotFoundException;
import io.ckpt.client.SegmentTooLargeException;
import io.ckpt.client.UnavailableException;
import io.ckpt.client.VersionConflictException;
import io.ckpt.statemachine.DamagedStorageException;
import java.io.FileNotFoundException;
import java.io.PrintWriter;
import java.net.BindException;
import java.net.ConnectException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.util.Arrays;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Turns every failure into the command line's contract: one line on stderr prefixed
 * {@code ckpt: } (plus the stack trace with {@code --verbose}) and an exit code:
 * 0 ok; 1 bad usage or bad input; 2 not found; 3 conflict (a version conflict, a registration
 * with another policy, a segment owned by someone else, a write fenced by a newer owner epoch);
 * 4 unavailable or timed out.
 */
public final class Errors implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {
  public static final int OK = 0;
  public static final int USAGE = 1;
  public static final int NOT_FOUND = 2;
  public static final int CONFLICT = 3;
  public static final int UNAVAILABLE = 4;

  /** Thrown by commands for a failure that has its own message and exit code. */
  public static final class Failure extends RuntimeException {
    private final int exitCode;

    public Failure(int exitCode, String message) {
      super(message);
      this.exitCode = exitCode;
    }
  }

  @Override
  public int handleParseException(ParameterException ex, String[] args) {
    PrintWriter err = ex.getCommandLine().getErr();
    String name = ex.getCommandLine().getCommandSpec().qualifiedName();
    err.println("ckpt: " + parseMessage(ex) + " (see '" + name + " --help')");
    if (Arrays.asList(args).contains("--verbose")) {
      ex.printStackTrace(err);
    }
    err.flush();
    return USAGE;
  }

  @Override
  public int handleExecutionException(Exception ex, CommandLine cl, ParseResult parsed) {
    PrintWriter err = cl.getErr();
    err.println("ckpt: " + message(ex));
    if (verbose(parsed)) {
      ex.printStackTrace(err);
    }
    err.flush();
    return exitCode(ex);
  }

  private static String parseMessage(ParameterException ex) {
    if (ex instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()
        && !u.getCommandLine().getSubcommands().isEmpty() && !u.getUnmatched().get(0).startsWith("-")) {
      return "unknown command '" + u.getUnmatched().get(0) + "'";
    }
    return oneLine(ex.getMessage());
  }

  /** The exit code for a failure (looking through wrappers for a known cause). */
  public static int exitCode(Throwable t) {
    Throwable c = cause(t);
    if (c instanceof Failure f) {
      return f.exitCode;
    }
    if (c instanceof SegmentNotFoundException) {
      return NOT_FOUND;
    }
    if (c instanceof VersionConflictException || c instanceof FencedException
        || c instanceof OwnershipConflictException) {
      return CONFLICT;
    }
    if (c instanceof UnavailableException || c instanceof TimeoutException || c instanceof ConnectException) {
      return UNAVAILABLE;
    }
    return USAGE;
  }

  /** The one-line message for a failure, saying what kind of failure it is where useful. */
  public static String message(Throwable t) {
    Throwable c = cause(t);
    String m = oneLine(c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage());
    if (c instanceof QuotaExceededException) {
      return "quota exceeded: " + m;
    } else if (c instanceof SegmentTooLargeException) {
      return "segment too large: " + m;
    } else if (c instanceof CorruptDataException) {
      return "corrupt data: " + m;
    } else if (c instanceof NoSuchFileException || c instanceof FileNotFoundException) {
      return "no such file: " + m;
    } else if (c instanceof AccessDeniedException) {
      return "permission denied: " + m;
    } else if (c instanceof FileAlreadyExistsException) {
      return "file already exists: " + m;
    } else if (c instanceof BindException) {
      return "cannot listen: " + m;
    } else if (c instanceof TimeoutException) {
      return "timed out: " + m;
    } else if (c instanceof CheckpointException || c instanceof Failure || c instanceof DamagedStorageException) {
      return m;
    }
    return c.getClass().getSimpleName() + ": " + m;
  }

  /** The most telling exception in a chain: the first ckpt or I/O-level cause below wrappers. */
  static Throwable cause(Throwable t) {
    Throwable c = t;
    for (int depth = 0; c != null && depth < 16; depth++, c = c.getCause()) {
      if (c instanceof CheckpointException || c instanceof Failure || c instanceof DamagedStorageException
          || c instanceof TimeoutException
          || c instanceof java.nio.file.FileSystemException || c instanceof FileNotFoundException
          || c instanceof BindException || c instanceof ConnectException) {
        return c;
      }
    }
    return t;
  }

  private static boolean verbose(ParseResult parsed) {
    for (ParseResult p = parsed; p != null; p = p.subcommand()) {
      if (p.hasMatchedOption("--verbose")) {
        return true;
      }
    }
    return false;
  }

  private static String oneLine(String s) {
    return s == null ? "" : s.strip().replaceAll("\\s*[\\r\\n]+\\s*", "; ");
  }

  /** Thrown for a bad argument found while running, e.g. a missing file: exit 1. */
  public static Failure usage(String message) {
    return new Failure(USAGE, message);
  }
}
