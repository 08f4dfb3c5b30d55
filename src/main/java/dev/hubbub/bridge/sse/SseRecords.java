package dev.hubbub.bridge.sse;

import io.vertx.core.buffer.Buffer;

import java.util.regex.Pattern;

/** Text of the Server-Sent Events wire format (WHATWG HTML, "server-sent events"). */
final class SseRecords {

  /** Any of the three line ends the format knows; each must start a new {@code data:} field. */
  private static final Pattern LINE_END = Pattern.compile("\r\n|\r|\n");

  private SseRecords() {
  }

  /**
   * One event record. {@code id} 0 writes no {@code id:} field, so presence events leave the client's
   * last event id (its resume point) untouched. Every line of {@code data} gets its own {@code data:}
   * prefix, so no text inside it can end the record early or inject fields.
   */
  static String event(long id, String event, String data) {
    StringBuilder record = new StringBuilder(data.length() + 48);
    if (id > 0) {
      record.append("id: ").append(id).append('\n');
    }
    record.append("event: ").append(event).append('\n');
    for (String line : LINE_END.split(data, -1)) {
      record.append("data: ").append(line).append('\n');
    }
    return record.append('\n').toString();
  }

  /**
   * One event record whose data is JSON bytes: the same bytes as {@link #event} gives for their text (JSON
   * holds no raw line end, so it is one {@code data:} line), without decoding and encoding them again.
   */
  static Buffer event(long id, String event, Buffer json) {
    String head = (id > 0 ? "id: " + id + "\n" : "") + "event: " + event + "\ndata: ";
    return Buffer.buffer(head.length() + json.length() + 2).appendString(head).appendBuffer(json).appendString("\n\n");
  }

  /** A comment line: ignored by clients, it keeps idle connections (and proxies) from timing out. */
  static String comment(String text) {
    return ": " + LINE_END.matcher(text).replaceAll(" ") + "\n\n";
  }

  /** The reconnection delay the client should use. */
  static String retry(long millis) {
    return "retry: " + millis + "\n\n";
  }
}
