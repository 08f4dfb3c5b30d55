package dev.hubbub.bridge.sse;

import dev.hubbub.protocol.FeedEvent;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/** How an event stream renders events: as JSON data ({@code ?format=json}) or as htmx's HTML fragments. */
interface Rendering {

  /** A live feed event: built once per node and the same bytes for every stream that renders it so. */
  Buffer live(FeedEvent event);

  /** An event made for one stream (a replayed one, the roster snapshot, the history marker). */
  String record(JsonObject event);

  /** The JSON rendering: each record's data is the event's JSON, the WebSocket frame's text. */
  static Rendering json() {
    return new Rendering() {
      @Override
      public Buffer live(FeedEvent event) {
        return event.form(FeedEvent.Form.SSE_JSON, e -> SseRecords.event(e.seq(), e.type(), e.json()));
      }

      @Override
      public String record(JsonObject event) {
        return SseRecords.event(seqOf(event), event.getString("type"), event.encode());
      }
    };
  }

  /** The HTML rendering: each record's data is the fragment {@code html} renders for the event. */
  static Rendering html(HtmlFragments html) {
    return new Rendering() {
      @Override
      public Buffer live(FeedEvent event) {
        return event.form(FeedEvent.Form.SSE_HTML, e -> Buffer.buffer(record(e.toJson())));
      }

      @Override
      public String record(JsonObject event) {
        return SseRecords.event(seqOf(event), event.getString("type"), html.feedEvent(event).strip());
      }
    };
  }

  private static long seqOf(JsonObject event) {
    return event.getValue("seq") instanceof Number seq ? seq.longValue() : 0;
  }
}
