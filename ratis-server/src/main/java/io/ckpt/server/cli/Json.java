package io.ckpt.server.cli;

import io.ckpt.client.SegmentDescription;
import io.ckpt.client.SegmentInfo;
import io.ckpt.client.WriteResult;
import java.util.List;

/**
 * A minimal JSON writer for the command line's {@code --json} output: one object per line,
 * keys in insertion order, strings escaped per RFC 8259.
 */
public final class Json {
  private final StringBuilder sb = new StringBuilder("{");

  private Json() {}

  public static Json object() {
    return new Json();
  }

  public Json put(String key, String value) {
    return raw(key, value == null ? "null" : quote(value));
  }

  public Json put(String key, long value) {
    return raw(key, Long.toString(value));
  }

  public Json put(String key, boolean value) {
    return raw(key, Boolean.toString(value));
  }

  /** Adds a value that is already JSON (an object or array). */
  public Json raw(String key, String json) {
    if (sb.length() > 1) {
      sb.append(',');
    }
    sb.append(quote(key)).append(':').append(json);
    return this;
  }

  @Override
  public String toString() {
    return sb + "}";
  }

  /** A JSON array of values that are already JSON. */
  public static String array(List<String> jsonValues) {
    return "[" + String.join(",", jsonValues) + "]";
  }

  /** {@code s} as a JSON string literal. */
  public static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        case '\b' -> b.append("\\b");
        case '\f' -> b.append("\\f");
        default -> {
          if (c < 0x20 || c == 0x2028 || c == 0x2029) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }

  /** The fields of {@code put --json}. */
  public static Json of(WriteResult w) {
    return object().put("name", w.name()).put("version", w.version()).put("revision", w.revision())
        .put("size", w.size()).put("crc32c", w.crc32cHex());
  }

  /** The fields of {@code put --json} plus the answering node. */
  public static Json of(SegmentInfo i) {
    Json j = version(i).put("node", i.node());
    return i.readRevision() > 0 ? j.put("readRevision", i.readRevision()) : j;
  }

  /** Exactly the fields of {@code put --json} for a committed version (as {@code watch --json} prints). */
  public static Json version(SegmentInfo i) {
    return object().put("name", i.name()).put("version", i.version()).put("revision", i.revision())
        .put("size", i.size()).put("crc32c", i.crc32cHex());
  }

  /**
   * {@code register --json}: the name, the policy (defaults filled in), who registered it, the
   * owner and the owner epoch. An empty owner or registrant is {@code null}.
   */
  public static Json registration(SegmentDescription d) {
    return registrationFields(object().put("name", d.name()), d);
  }

  /**
   * {@code info --json}: the latest version's fields (those of {@link #of(SegmentInfo)}; only the
   * name when the segment has no version yet), the registration's fields and the versions still
   * retained, oldest first.
   */
  public static Json of(SegmentDescription d) {
    Json j = d.latest().map(Json::of).orElseGet(() -> object().put("name", d.name()));
    return registrationFields(j, d).raw("retainedVersions",
        array(d.retainedVersions().stream().map(String::valueOf).toList()));
  }

  private static Json registrationFields(Json j, SegmentDescription d) {
    return j.put("retain", d.policy().retain()).put("maxSize", d.policy().maxSize())
        .put("registeredBy", emptyToNull(d.registeredBy())).put("owner", emptyToNull(d.owner()))
        .put("epoch", d.epoch());
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
