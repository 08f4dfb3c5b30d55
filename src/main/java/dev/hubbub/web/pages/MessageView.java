package dev.hubbub.web.pages;

import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * A chat message as a page shows it, after any edit or deletion. {@link #domId()} is the element id that
 * lets htmx replace the message in place when an {@code edited} or {@code deleted} event arrives.
 */
public record MessageView(String id, long seq, String username, String text, long ts, boolean edited, boolean deleted) {

  private static final long DAY_MS = 86_400_000L;
  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm 'UTC'").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter DATED = DateTimeFormatter.ofPattern("d MMM yyyy, HH:mm 'UTC'", java.util.Locale.ROOT)
      .withZone(ZoneOffset.UTC);

  /** From a {@code chat}, {@code edited} or {@code deleted} event, each of which names the message by {@code id}. */
  public static MessageView of(JsonObject event) {
    String type = event.getString("type");
    return new MessageView(event.getString("id"), event.getLong("seq", 0L), event.getString("username", ""),
        event.getString("text", ""), event.getLong("ts", 0L), "edited".equals(type), "deleted".equals(type));
  }

  /** From a message in its current state, as {@code hubbub.cmd.messages} answers (flags {@code edited}, {@code deleted}). */
  public static MessageView current(JsonObject message) {
    return new MessageView(message.getString("id"), message.getLong("seq", 0L), message.getString("username", ""),
        message.getString("text", ""), message.getLong("ts", 0L), message.getBoolean("edited", false),
        message.getBoolean("deleted", false));
  }

  /** The message with an edit applied; it keeps its place and original time. */
  MessageView edit(JsonObject edited) {
    return new MessageView(id, seq, username, edited.getString("text", text), ts, true, deleted);
  }

  MessageView delete() {
    return new MessageView(id, seq, username, "", ts, edited, true);
  }

  public String domId() {
    return "msg-" + id;
  }

  /**
   * Hours and minutes in UTC, saying so, with the date for an older message: the server does not know
   * the reader's zone. pages.js replaces it with local time, as the chat client shows it.
   */
  public String time() {
    // UTC days by arithmetic: LocalDate.now(ZoneOffset.UTC) builds new zone rules on every call.
    boolean today = Math.floorDiv(ts, DAY_MS) == Math.floorDiv(System.currentTimeMillis(), DAY_MS);
    return (today ? CLOCK : DATED).format(Instant.ofEpochMilli(ts));
  }

  public String timestamp() {
    return Instant.ofEpochMilli(ts).toString();
  }
}
