package io.ckpt.harness.check;

import io.ckpt.harness.history.Op;
import io.ckpt.harness.history.Op.Kind;
import io.ckpt.harness.history.Op.Outcome;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One segment as a versioned register with an owner epoch, as the store implements it.
 *
 * <ul>
 *   <li>PUT: FENCED (reporting the current epoch) if it carries an epoch other than the current
 *       one; else CONFLICT (reporting the current version) if it carries an expected version
 *       other than the current one; else OK with version + 1.
 *   <li>READ: OK with the current version and value, NOT_FOUND at version 0.
 *   <li>ACQUIRE: OK with the same epoch for the current owner; OK with epoch + 1 when nobody
 *       owns the key or with force; CONFLICT otherwise.
 * </ul>
 *
 * <p>Outputs reported as {@link Op#NONE} are not checked; an outcome the store cannot give
 * (a PUT that is NOT_FOUND, a READ that is FENCED) fits no state. STALE_READs are not linearizable and
 * are left to {@link StaleReadChecker}; UNKNOWN reads have no effect and are dropped. Values no
 * READ of the key ever returned are replaced by one "never read" value: they cannot change any
 * step's result, and unread UNKNOWN puts then become interchangeable in the search.
 */
public final class RegisterModel implements Model<RegisterModel.State> {

  /** The value of puts no read ever returned. */
  static final long UNREAD = Long.MIN_VALUE;

  /**
   * A key's state.
   *
   * @param version 0 when absent
   * @param value the id of the bytes of the current version, 0 when absent
   * @param epoch the owner epoch, 0 before the first acquire
   * @param owner {@code ""} when nobody owns the key
   */
  public record State(long version, long value, long epoch, String owner) {
    public static final State EMPTY = new State(0, 0, 0, "");
  }

  @Override
  public State initial() {
    return State.EMPTY;
  }

  @Override
  public State step(State s, Op op) {
    boolean unknown = op.outcome() == Outcome.UNKNOWN;
    return switch (op.kind()) {
      case PUT -> {
        if (op.epoch() != Op.NONE && op.epoch() != s.epoch()) {
          yield unknown || (op.outcome() == Outcome.FENCED && reported(op.outEpoch(), s.epoch()))
              ? s : null;
        }
        if (op.expectVersion() != Op.NONE && op.expectVersion() != s.version()) {
          yield unknown || (op.outcome() == Outcome.CONFLICT && reported(op.version(), s.version()))
              ? s : null;
        }
        State next = new State(s.version() + 1, op.value(), s.epoch(), s.owner());
        yield unknown || (op.outcome() == Outcome.OK && reported(op.version(), next.version()))
            ? next : null;
      }
      case READ -> {
        if (unknown) {
          yield s;
        }
        boolean ok = s.version() == 0
            ? op.outcome() == Outcome.NOT_FOUND
            : op.outcome() == Outcome.OK && reported(op.version(), s.version())
                && op.readValue() == s.value();
        yield ok ? s : null;
      }
      case ACQUIRE -> {
        if (s.owner().equals(op.owner())) {
          yield unknown || (op.outcome() == Outcome.OK && reported(op.outEpoch(), s.epoch()))
              ? s : null;
        }
        if (s.owner().isEmpty() || op.force()) {
          State next = new State(s.version(), s.value(), s.epoch() + 1, op.owner());
          yield unknown || (op.outcome() == Outcome.OK && reported(op.outEpoch(), next.epoch()))
              ? next : null;
        }
        yield unknown || op.outcome() == Outcome.CONFLICT ? s : null;
      }
      case STALE_READ -> s;
    };
  }

  /** Versions and epochs never decrease: an op pinned to one the key has passed is too late. */
  @Override
  public boolean expired(State s, Op op) {
    if (op.outcome() == Outcome.UNKNOWN) {
      return false;
    }
    return switch (op.kind()) {
      case PUT -> switch (op.outcome()) {
        case OK -> passed(s.version(), op.version() - 1) || passed(s.epoch(), op.epoch());
        case CONFLICT -> passed(s.version(), op.version()) || passed(s.epoch(), op.epoch());
        case FENCED -> passed(s.epoch(), op.outEpoch());
        default -> false;
      };
      case READ -> op.outcome() == Outcome.NOT_FOUND ? s.version() > 0
          : passed(s.version(), op.version());
      case ACQUIRE -> op.outcome() == Outcome.OK && passed(s.epoch(), op.outEpoch());
      case STALE_READ -> false;
    };
  }

  /** True if the key's counter is past {@code pinned} ({@link Op#NONE}: not pinned). */
  private static boolean passed(long current, long pinned) {
    return pinned >= 0 && current > pinned;
  }

  private static boolean reported(long output, long expected) {
    return output == Op.NONE || output == expected;
  }

  @Override
  public List<Op> prepare(List<Op> ops) {
    Set<Long> read = new HashSet<>();
    for (Op op : ops) {
      if (op.kind() == Kind.READ && op.outcome() == Outcome.OK) {
        read.add(op.readValue());
      }
    }
    List<Op> out = new ArrayList<>(ops.size());
    for (Op op : ops) {
      if (op.kind() == Kind.STALE_READ
          || (op.kind() == Kind.READ && op.outcome() == Outcome.UNKNOWN)) {
        continue;
      }
      boolean unread = op.kind() == Kind.PUT && !read.contains(op.value())
          && !read.contains(UNREAD);
      out.add(unread ? op.withValue(UNREAD) : op);
    }
    return out;
  }

  @Override
  public String explain(State s, Op op) {
    return "expected " + expected(s, op) + " in state " + describe(s);
  }

  /** The reply the model gives {@code op} in state {@code s}. */
  static String expected(State s, Op op) {
    return switch (op.kind()) {
      case PUT -> {
        if (op.epoch() != Op.NONE && op.epoch() != s.epoch()) {
          yield "FENCED epoch=" + s.epoch();
        }
        if (op.expectVersion() != Op.NONE && op.expectVersion() != s.version()) {
          yield "CONFLICT version=" + s.version();
        }
        yield "OK version=" + (s.version() + 1);
      }
      case READ -> s.version() == 0 ? "NOT_FOUND"
          : "OK version=" + s.version() + " value=" + value(s.value());
      case ACQUIRE -> {
        if (s.owner().equals(op.owner())) {
          yield "OK epoch=" + s.epoch();
        }
        yield s.owner().isEmpty() || op.force() ? "OK epoch=" + (s.epoch() + 1) : "CONFLICT";
      }
      case STALE_READ -> "anything";
    };
  }

  @Override
  public String describe(State s) {
    return "{version=" + s.version() + " value=" + value(s.value()) + " epoch=" + s.epoch()
        + " owner=\"" + s.owner() + "\"}";
  }

  private static String value(long v) {
    return v == UNREAD ? "(a value no read returned)" : Long.toString(v);
  }
}
