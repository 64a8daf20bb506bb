package io.ckpt.server.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/**
 * The {@code --verbose} option (a picocli mixin): raises the root and {@code io.ckpt} log
 * levels to INFO and makes errors print their stack trace (see {@link Errors}).
 */
public final class VerboseOption {
  private boolean verbose;

  @Option(names = "--verbose", description = "Log at INFO and print stack traces on errors.")
  void setVerbose(boolean verbose) {
    this.verbose = verbose;
    if (verbose) {
      enableInfoLogging();
    }
  }

  public boolean isVerbose() {
    return verbose;
  }

  /**
   * Quiets java.util.logging (used by Ratis's shaded gRPC, outside Logback) to WARNING, as the
   * Logback configuration does for everything else.
   */
  static void quietJavaUtilLogging() {
    java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
  }

  /**
   * Silences Ratis (and its shaded gRPC/Netty) for client commands and the demo: a node being
   * down makes the Ratis client log retries and stack traces, while the command itself reports
   * the outcome in one line. Servers keep Ratis warnings; {@code --verbose} keeps everything.
   */
  public static void muteRatis() {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx) {
      ctx.getLogger("org.apache.ratis").setLevel(Level.OFF);
      ctx.getLogger("org.apache.ratis.thirdparty").setLevel(Level.OFF);
    }
    java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.OFF);
  }

  /** During a deliberate stop, Ratis warns about every peer going away: keep only its errors. */
  static void quietRatisWhileStopping() {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx
        && !ctx.getLogger("org.apache.ratis").isEnabledFor(Level.INFO)) {
      ctx.getLogger("org.apache.ratis").setLevel(Level.ERROR);
      ctx.getLogger("org.apache.ratis.thirdparty").setLevel(Level.ERROR);
    }
  }

  /** Sets the root and {@code io.ckpt} loggers (and java.util.logging's root) to INFO. */
  static void enableInfoLogging() {
    java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.INFO);
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx) {
      ctx.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.INFO);
      ctx.getLogger("io.ckpt").setLevel(Level.INFO);
    }
  }
}
