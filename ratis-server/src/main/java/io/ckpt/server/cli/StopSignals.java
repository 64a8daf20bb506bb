package io.ckpt.server.cli;

import java.util.ArrayList;
import java.util.List;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Turns SIGINT and SIGTERM into a stop request for a long-running client command (such as
 * {@code watch}), so that it can end cleanly with exit code 0 instead of the JVM dying with
 * 130/143. The first signal marks the stop and interrupts the worker thread (while it is
 * still working); a second one halts the process at once, in case stopping hangs.
 * {@link #close} restores the previous handlers, so in-process runs (tests) are unaffected
 * afterwards. Where the JVM does not allow the handlers, signals keep their default effect.
 */
final class StopSignals implements AutoCloseable {
  private static final String[] NAMES = {"INT", "TERM"};

  private final Thread worker;
  private final List<Signal> installed = new ArrayList<>();
  private final List<SignalHandler> previous = new ArrayList<>();
  private boolean requested;
  private boolean interruptible = true;

  private StopSignals(Thread worker) {
    this.worker = worker;
  }

  /** Installs the handlers; {@code worker} is the thread to interrupt on the first signal. */
  static StopSignals install(Thread worker) {
    StopSignals s = new StopSignals(worker);
    for (String name : NAMES) {
      try {
        Signal signal = new Signal(name);
        s.previous.add(Signal.handle(signal, s::handle));
        s.installed.add(signal);
      } catch (IllegalArgumentException | UnsupportedOperationException e) {
        // The signal is reserved (e.g. -Xrs) or unknown here: leave its default behaviour.
      }
    }
    return s;
  }

  private synchronized void handle(Signal signal) {
    if (requested) {
      Runtime.getRuntime().halt(128 + signal.getNumber());
    }
    requested = true;
    if (interruptible) {
      worker.interrupt();
    }
  }

  /** True once a stop signal arrived. */
  synchronized boolean requested() {
    return requested;
  }

  /**
   * Called by the worker when it stops working: no later signal interrupts it, and an
   * interrupt a signal already caused is cleared, so that closing resources is not disturbed.
   */
  synchronized void workDone() {
    interruptible = false;
    if (requested) {
      Thread.interrupted();
    }
  }

  /** Stops interrupting the worker and restores the previous signal handlers. */
  @Override
  public void close() {
    workDone();
    for (int i = 0; i < installed.size(); i++) {
      Signal.handle(installed.get(i), previous.get(i));
    }
  }
}
