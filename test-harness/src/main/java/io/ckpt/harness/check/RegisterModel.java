package io.ckpt.harness.check;

import io.ckpt.harness.history.Op;
import io.ckpt.harness.history.Op.Kind;
import io.ckpt.harness.history.Op.Outcome;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
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
 * are left to {@link StaleReadChecker}; UNKNOWN reads have no effect and are dropped. Inputs
 * that cannot matter are made alike ({@link #prepare}) so that interchangeable UNKNOWN ops look
 * alike to the search.
 *
 * <p>The version and the epoch never decrease: they are the model's {@link #counters}, which let
 * the search drop a configuration as soon as any op still to take effect is pinned to a version
 * or epoch the key has passed.
 */
public final class RegisterModel implements Model<RegisterModel.State> {

  /** The value of puts no read ever returned. */
  static final long UNREAD = Long.MIN_VALUE;

  /** The owner of ACQUIREs whose owner no other op of the key names. */
  static final String UNNAMED = "\u0000unnamed";

  private static final int VERSION = 0;

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
        if (s.owner().equals(op.owner()) && !op.owner().equals(UNNAMED)) {
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

  /** Counter 0 is the version, counter 1 the epoch: no step decreases either. */
  @Override
  public int counters() {
    return 2;
  }

  @Override
  public long counter(State s, int c) {
    return c == VERSION ? s.version() : s.epoch();
  }

  @Override
  public String counterName(int c) {
    return c == VERSION ? "version" : "epoch";
  }

  /**
   * An op pinned to a version or epoch the key has passed is too late: a PUT reporting version
   * v needs the key at v - 1 (and at its expected version, if it has one), at its epoch if it
   * carries one; a CONFLICT at most at the version it reports; a FENCED PUT at most at the epoch
   * it reports; a READ at the version it reports (NOT_FOUND: 0); an ACQUIRE at the epoch it
   * reports. An UNKNOWN PUT is a no-op once the key is past its expected version or its epoch.
   */
  @Override
  public long limit(Op op, int c) {
    boolean version = c == VERSION;
    return switch (op.kind()) {
      case PUT -> switch (op.outcome()) {
        case OK -> version ? Math.min(pin(op.version() - 1), pin(op.expectVersion()))
            : pin(op.epoch());
        case CONFLICT -> version ? pin(op.version()) : pin(op.epoch());
        case FENCED -> version ? Long.MAX_VALUE : pin(op.outEpoch());
        case UNKNOWN -> version ? pin(op.expectVersion()) : pin(op.epoch());
        default -> Long.MAX_VALUE;
      };
      case READ -> !version ? Long.MAX_VALUE
          : op.outcome() == Outcome.NOT_FOUND ? 0
          : op.outcome() == Outcome.OK ? pin(op.version()) : Long.MAX_VALUE;
      case ACQUIRE -> !version && op.outcome() == Outcome.OK ? pin(op.outEpoch())
          : Long.MAX_VALUE;
      case STALE_READ -> Long.MAX_VALUE;
    };
  }

  /**
   * Once it has taken effect, a PUT that is OK or in CONFLICT leaves the key at the version it
   * reports (and at the epoch it carries); a FENCED PUT leaves it at the epoch it reports; a
   * READ saw the version it reports; an ACQUIRE leaves the epoch it reports.
   */
  @Override
  public long floor(Op op, int c) {
    boolean version = c == VERSION;
    return switch (op.kind()) {
      case PUT -> switch (op.outcome()) {
        case OK, CONFLICT -> version ? op.version() : op.epoch();
        case FENCED -> version ? Long.MIN_VALUE : op.outEpoch();
        default -> Long.MIN_VALUE;
      };
      case READ -> version && op.outcome() == Outcome.OK ? op.version() : Long.MIN_VALUE;
      case ACQUIRE -> !version && op.outcome() == Outcome.OK ? op.outEpoch() : Long.MIN_VALUE;
      case STALE_READ -> Long.MIN_VALUE;
    };
  }

  /** A counter value an op is pinned to, {@code Long.MAX_VALUE} if {@link Op#NONE} or less. */
  private static long pin(long value) {
    return value >= 0 ? value : Long.MAX_VALUE;
  }

  private static boolean reported(long output, long expected) {
    return output == Op.NONE || output == expected;
  }

  /**
   * Drops stale reads and UNKNOWN reads, and makes interchangeable ops look alike so that the
   * search's memo merges the states they lead to and tries only one of them:
   *
   * <ul>
   *   <li>A PUT's value that no READ returned becomes {@link #UNREAD}: no step's result depends
   *       on it.
   *   <li>An ACQUIRE's owner that no other op of the key names becomes {@link #UNNAMED}, which
   *       {@link #step} never takes for the current owner: the only steps that compare owners
   *       are ACQUIREs, and none of the others names it (whether an owner is set still counts).
   *   <li>An UNKNOWN PUT whose value some READs returned, all at version v, and that no other
   *       PUT writes, expects version v - 1: taking effect at another version would leave the
   *       value at a version other than v, and the version never goes back, so those READs
   *       could not follow.
   * </ul>
   */
  @Override
  public List<Op> prepare(List<Op> ops) {
    Set<Long> read = new HashSet<>();
    Map<Long, Set<Long>> readAt = new HashMap<>();
    Map<Long, Integer> writers = new HashMap<>();
    Map<String, Integer> named = new HashMap<>();
    for (Op op : ops) {
      if (op.kind() == Kind.READ && op.outcome() == Outcome.OK) {
        read.add(op.readValue());
        if (op.version() != Op.NONE) {
          readAt.computeIfAbsent(op.readValue(), v -> new HashSet<>()).add(op.version());
        }
      } else if (op.kind() == Kind.PUT) {
        writers.merge(op.value(), 1, Integer::sum);
      } else if (op.kind() == Kind.ACQUIRE) {
        named.merge(op.owner(), 1, Integer::sum);
      }
    }
    List<Op> out = new ArrayList<>(ops.size());
    for (Op op : ops) {
      if (op.kind() == Kind.STALE_READ
          || (op.kind() == Kind.READ && op.outcome() == Outcome.UNKNOWN)) {
        continue;
      }
      long value = op.value();
      long expectVersion = op.expectVersion();
      String owner = op.owner();
      if (op.kind() == Kind.PUT && !read.contains(value) && !read.contains(UNREAD)) {
        value = UNREAD;
      } else if (op.kind() == Kind.PUT && op.outcome() == Outcome.UNKNOWN
          && writers.get(value) == 1 && readAt.getOrDefault(value, Set.of()).size() == 1) {
        long v = readAt.get(value).iterator().next();
        if (v >= 1 && (expectVersion == Op.NONE || expectVersion == v - 1)) {
          expectVersion = v - 1;
        }
      } else if (op.kind() == Kind.ACQUIRE && !owner.isEmpty()) {
        if (named.get(owner) == 1) {
          owner = UNNAMED;
        } else if (owner.equals(UNNAMED)) {
          owner = unusedOwner(named.keySet()); // named more than once: keep them apart
        }
      }
      out.add(value == op.value() && expectVersion == op.expectVersion() && owner.equals(op.owner())
          ? op : new Op(op.id(), op.client(), op.key(), op.kind(), op.invokeNanos(),
              op.completeNanos(), value, expectVersion, op.epoch(), owner, op.force(),
              op.outcome(), op.version(), op.revision(), op.readValue(), op.outEpoch(),
              op.appliedRevision(), op.node(), op.error()));
    }
    return out;
  }

  private static String unusedOwner(Set<String> used) {
    String owner = UNNAMED;
    while (used.contains(owner)) {
      owner += "'";
    }
    return owner;
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
        if (s.owner().equals(op.owner()) && !op.owner().equals(UNNAMED)) {
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
        + " owner=" + (s.owner().equals(UNNAMED) ? "(one no other op names)"
            : "\"" + s.owner() + "\"") + "}";
  }

  private static String value(long v) {
    return v == UNREAD ? "(a value no read returned)" : Long.toString(v);
  }
}
