package io.ckpt.harness.bench.results;

import io.ckpt.server.cli.Json;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;

/**
 * Writes one JSON object on one line, keys in insertion order. Values: strings, integers,
 * floating-point numbers (NaN and infinities become {@code null}), booleans, null, and lists of
 * those.
 */
final class JsonLine {
  private final StringBuilder sb = new StringBuilder(512).append('{');

  JsonLine put(String key, Object value) {
    if (sb.length() > 1) {
      sb.append(',');
    }
    sb.append(Json.quote(key)).append(':');
    value(value);
    return this;
  }

  private void value(Object v) {
    if (v == null) {
      sb.append("null");
    } else if (v instanceof String s) {
      sb.append(Json.quote(s));
    } else if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      // Six significant digits: more than any measurement here is worth.
      sb.append(Double.isFinite(d)
          ? new BigDecimal(d).round(new MathContext(6)).stripTrailingZeros().toPlainString() : "null");
    } else if (v instanceof Number || v instanceof Boolean) {
      sb.append(v);
    } else if (v instanceof List<?> list) {
      sb.append('[');
      for (int i = 0; i < list.size(); i++) {
        if (i > 0) {
          sb.append(',');
        }
        value(list.get(i));
      }
      sb.append(']');
    } else {
      throw new IllegalArgumentException("not a JSON value: " + v.getClass().getName());
    }
  }

  @Override
  public String toString() {
    return sb + "}";
  }
}
