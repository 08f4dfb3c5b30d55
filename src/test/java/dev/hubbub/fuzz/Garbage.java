package dev.hubbub.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

/**
 * Generators of malformed input for {@link FuzzTest}, all from one seeded {@link Random} so a failure
 * reproduces. JSON is built as text, so a value can be anything JSON (or not) allows: a literal beyond
 * every number type, an escaped lone surrogate, raw bytes that are not UTF-8.
 */
final class Garbage {

  private static final String CONTROLS = "\u0000\u0001\u0007\u0008\u000b\u000c\u000e\u001b\u001f\u007f";
  private static final List<String> HUGE_NUMBERS = List.of("1e400", "-1e400", "1e308", "123456789012345678901234567890",
      "-9223372036854775809", "9223372036854775808", "9007199254740992", "1.5", "4.9e-324", "-1");
  private static final List<byte[]> INVALID_UTF8 = List.of(new byte[] {(byte) 0xff}, new byte[] {(byte) 0xc0, (byte) 0xaf},
      new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, new byte[] {(byte) 0xe2, (byte) 0x82}, new byte[] {(byte) 0x80},
      new byte[] {(byte) 0xf8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}, new byte[] {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80});

  final Random random;

  Garbage(Random random) {
    this.random = random;
  }

  int between(int min, int max) {
    return min + random.nextInt(max - min + 1);
  }

  <T> T pick(List<T> options) {
    return options.get(random.nextInt(options.size()));
  }

  byte[] bytes(int max) {
    byte[] bytes = new byte[between(1, max)];
    random.nextBytes(bytes);
    return bytes;
  }

  /** Printable ASCII that is never a JSON object: it never starts with '{'. */
  String notJson(int max) {
    StringBuilder s = new StringBuilder(pick(List.of("x", "[", "]", "0", "\"", "nul", "}", "{{", ":")));
    for (int i = between(0, max); i > 0; i--) {
      s.append((char) between(0x20, 0x7e));
    }
    return s.toString();
  }

  /** A strict prefix of {@code json}: never a complete object. */
  String truncated(String json) {
    return json.substring(0, between(1, json.length() - 1));
  }

  /** Arrays and objects nested {@code depth} deep, balanced: valid JSON, but not what any field takes. */
  String nested(int depth) {
    StringBuilder open = new StringBuilder();
    StringBuilder close = new StringBuilder();
    for (int i = 0; i < depth; i++) {
      if (random.nextBoolean()) {
        open.append('[');
        close.append(']');
      } else {
        open.append("{\"a\":");
        close.append('}');
      }
    }
    return open.append("1").append(close.reverse()).toString();
  }

  /** A JSON value of a type no string field accepts. */
  String wrongType() {
    return pick(List.of("42", "-1.5", "true", "false", "[]", "[\"a\"]", "{}", "{\"x\":1}", "0", "1e3"));
  }

  /** A JSON value that is neither a string nor a number. */
  String notANumber() {
    return pick(List.of("true", "false", "[]", "[\"a\"]", "{}", "{\"x\":1}"));
  }

  /** A JSON value no whole-number field accepts. */
  String hugeNumber() {
    return pick(HUGE_NUMBERS);
  }

  String hugeString(int min, int max) {
    return "x".repeat(between(min, max));
  }

  /** A string holding at least one control character that is not a tab or line break. */
  String control() {
    return "a" + CONTROLS.charAt(random.nextInt(CONTROLS.length())) + (random.nextBoolean() ? "b" : "\u202e\u200b");
  }

  /** A string holding an unpaired surrogate. */
  String loneSurrogate() {
    char high = (char) between(0xd800, 0xdbff);
    char low = (char) between(0xdc00, 0xdfff);
    return random.nextBoolean() ? "a" + high + "b" : low + "a";
  }

  byte[] invalidUtf8() {
    return pick(INVALID_UTF8);
  }

  /** {@code s} as a JSON string literal, everything outside printable ASCII escaped (lone surrogates too). */
  static String quote(String s) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20 || c > 0x7e) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append('"').toString();
  }

  /** An object from alternating keys and raw JSON values. */
  static String object(String... keysAndRawValues) {
    StringBuilder out = new StringBuilder("{");
    for (int i = 0; i < keysAndRawValues.length; i += 2) {
      if (i > 0) {
        out.append(',');
      }
      out.append(quote(keysAndRawValues[i])).append(':').append(keysAndRawValues[i + 1]);
    }
    return out.append('}').toString();
  }

  /** {@code json} with the first occurrence of {@code hole} replaced by raw bytes. */
  static byte[] withBytes(String json, String hole, byte[] bytes) {
    int at = json.indexOf(hole);
    byte[] head = json.substring(0, at).getBytes(StandardCharsets.UTF_8);
    byte[] tail = json.substring(at + hole.length()).getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[head.length + bytes.length + tail.length];
    System.arraycopy(head, 0, out, 0, head.length);
    System.arraycopy(bytes, 0, out, head.length, bytes.length);
    System.arraycopy(tail, 0, out, head.length + bytes.length, tail.length);
    return out;
  }

  /** {@code text} percent-encoded byte by byte, for a path segment or query value. */
  static String percent(byte[] bytes) {
    StringBuilder out = new StringBuilder();
    for (byte b : bytes) {
      out.append(String.format("%%%02X", b & 0xff));
    }
    return out.toString();
  }

  static String percent(String text) {
    return percent(text.getBytes(StandardCharsets.UTF_8));
  }
}
