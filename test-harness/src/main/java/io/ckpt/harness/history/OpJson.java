package io.ckpt.harness.history;

import java.util.Map;

/** An {@link Op} as one flat JSON object (one line of a history file) and back. */
final class OpJson {
  private OpJson() {}

  static String write(Op op) {
    StringBuilder b = new StringBuilder(256).append('{');
    num(b, "id", op.id()).append(',');
    num(b, "client", op.client()).append(',');
    str(b, "key", op.key()).append(',');
    str(b, "kind", op.kind().name()).append(',');
    num(b, "invokeNanos", op.invokeNanos()).append(',');
    num(b, "completeNanos", op.completeNanos()).append(',');
    num(b, "value", op.value()).append(',');
    num(b, "expectVersion", op.expectVersion()).append(',');
    num(b, "epoch", op.epoch()).append(',');
    str(b, "owner", op.owner()).append(',');
    b.append("\"force\":").append(op.force()).append(',');
    str(b, "outcome", op.outcome().name()).append(',');
    num(b, "version", op.version()).append(',');
    num(b, "revision", op.revision()).append(',');
    num(b, "readValue", op.readValue()).append(',');
    num(b, "outEpoch", op.outEpoch()).append(',');
    num(b, "appliedRevision", op.appliedRevision()).append(',');
    str(b, "node", op.node()).append(',');
    str(b, "error", op.error());
    return b.append('}').toString();
  }

  /** Parses one line; missing fields take their "not given" defaults, unknown ones are ignored. */
  static Op read(String line) {
    Map<String, Object> f = FlatJson.parse(line);
    return new Op(
        num(f, "id", 0),
        Math.toIntExact(num(f, "client", 0)),
        str(f, "key", null),
        Op.Kind.valueOf(str(f, "kind", null)),
        num(f, "invokeNanos", 0),
        num(f, "completeNanos", Long.MAX_VALUE),
        num(f, "value", 0),
        num(f, "expectVersion", Op.NONE),
        num(f, "epoch", Op.NONE),
        str(f, "owner", ""),
        Boolean.TRUE.equals(f.get("force")),
        Op.Outcome.valueOf(str(f, "outcome", null)),
        num(f, "version", Op.NONE),
        num(f, "revision", Op.NONE),
        num(f, "readValue", 0),
        num(f, "outEpoch", Op.NONE),
        num(f, "appliedRevision", Op.NONE),
        str(f, "node", ""),
        str(f, "error", ""));
  }

  private static StringBuilder num(StringBuilder b, String name, long v) {
    return b.append('"').append(name).append("\":").append(v);
  }

  private static StringBuilder str(StringBuilder b, String name, String v) {
    b.append('"').append(name).append("\":");
    FlatJson.appendString(b, v);
    return b;
  }

  private static long num(Map<String, Object> f, String name, long def) {
    Object v = f.get(name);
    if (v == null) {
      return def;
    }
    if (!(v instanceof Long l)) {
      throw new IllegalArgumentException("field " + name + " is not an integer");
    }
    return l;
  }

  private static String str(Map<String, Object> f, String name, String def) {
    Object v = f.get(name);
    if (v == null) {
      if (def == null) {
        throw new IllegalArgumentException("missing field " + name);
      }
      return def;
    }
    if (!(v instanceof String s)) {
      throw new IllegalArgumentException("field " + name + " is not a string");
    }
    return s;
  }
}
