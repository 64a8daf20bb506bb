package io.ckpt.client.util;

import java.nio.charset.StandardCharsets;

/**
 * The rules for segment names (see DESIGN.md, "Vocabulary").
 *
 * <p>A valid name is 1–255 bytes (UTF-8) of {@code [A-Za-z0-9._/-]}, starts with a letter or a
 * digit, and contains no {@code ..}, no {@code //} and no trailing {@code /}. A prefix (as used by
 * {@code ckpt ls PREFIX}) may be empty; otherwise it uses the same characters and is at most 255
 * bytes. Error messages quote the offending name (abbreviated if long, with non-printable
 * characters escaped) and say which rule was broken.
 */
public final class SegmentNames {
  /** The maximum length of a name or prefix, in UTF-8 bytes. */
  public static final int MAX_BYTES = 255;

  private static final int QUOTE_MAX_CHARS = 80;

  private SegmentNames() {
  }

  /** Returns whether {@code name} is a valid segment name. */
  public static boolean isValid(String name) {
    return problem(name) == null;
  }

  /**
   * Checks a segment name.
   *
   * @throws IllegalArgumentException naming the broken rule, if {@code name} is not valid
   */
  public static void validate(String name) {
    String problem = problem(name);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
  }

  /** Returns whether {@code prefix} is a valid name prefix (the empty string is). */
  public static boolean isValidPrefix(String prefix) {
    return prefixProblem(prefix) == null;
  }

  /**
   * Checks a name prefix: empty, or at most 255 bytes of {@code [A-Za-z0-9._/-]}.
   *
   * @throws IllegalArgumentException naming the broken rule, if {@code prefix} is not valid
   */
  public static void validatePrefix(String prefix) {
    String problem = prefixProblem(prefix);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
  }

  private static String problem(String name) {
    if (name == null) {
      return "invalid segment name: null (a name is required)";
    }
    if (name.isEmpty()) {
      return "invalid segment name \"\": must not be empty";
    }
    String chars = charsetProblem("segment name", name);
    if (chars != null) {
      return chars;
    }
    if (name.length() > MAX_BYTES) { // ASCII only by now: chars == bytes
      return bad(name, "is " + name.length() + " bytes; the maximum is " + MAX_BYTES);
    }
    if (!isLetterOrDigit(name.charAt(0))) {
      return bad(name, "must start with a letter or a digit, not '" + name.charAt(0) + "'");
    }
    if (name.contains("..")) {
      return bad(name, "must not contain \"..\"");
    }
    if (name.contains("//")) {
      return bad(name, "must not contain \"//\"");
    }
    if (name.endsWith("/")) {
      return bad(name, "must not end with '/'");
    }
    return null;
  }

  private static String prefixProblem(String prefix) {
    if (prefix == null) {
      return "invalid segment name prefix: null (use \"\" for all names)";
    }
    String chars = charsetProblem("segment name prefix", prefix);
    if (chars != null) {
      return chars;
    }
    if (prefix.length() > MAX_BYTES) {
      return "invalid segment name prefix " + quote(prefix) + ": is " + prefix.length()
          + " bytes; the maximum is " + MAX_BYTES;
    }
    return null;
  }

  private static String charsetProblem(String what, String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!isAllowed(c)) {
        int cp = s.codePointAt(i);
        String shown = Character.isISOControl(cp) || Character.isWhitespace(cp)
            ? String.format("U+%04X", cp) : "'" + new String(Character.toChars(cp)) + "'";
        return "invalid " + what + " " + quote(s) + ": character " + shown + " at index " + i
            + " is not allowed (only A-Z a-z 0-9 . _ / -)"
            + (s.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES ? "; also longer than "
            + MAX_BYTES + " bytes" : "");
      }
    }
    return null;
  }

  private static String bad(String name, String rule) {
    return "invalid segment name " + quote(name) + ": " + rule;
  }

  private static boolean isAllowed(char c) {
    return isLetterOrDigit(c) || c == '.' || c == '_' || c == '/' || c == '-';
  }

  private static boolean isLetterOrDigit(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }

  /** Quotes {@code s} for an error message: escaped, abbreviated to 80 characters. */
  static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    int n = Math.min(s.length(), QUOTE_MAX_CHARS);
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c < 0x20 || c == 0x7F || (c >= 0x80 && Character.isISOControl(c))) {
        sb.append(String.format("\\u%04X", (int) c));
      } else {
        sb.append(c);
      }
    }
    sb.append('"');
    if (s.length() > n) {
      sb.append("... (").append(s.length()).append(" chars)");
    }
    return sb.toString();
  }
}
