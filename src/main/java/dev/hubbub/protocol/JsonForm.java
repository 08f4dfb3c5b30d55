package dev.hubbub.protocol;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.vertx.core.buffer.Buffer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Writes a {@link RoomEvent}'s JSON straight to UTF-8 bytes with Jackson's streaming generator: the same
 * generator (and so the same escaping) {@code JsonObject.encode()} ends in, without building a map and
 * walking it through the data-binding layer first. The bytes equal {@code event.toJson().toBuffer()}.
 */
final class JsonForm {

  private static final JsonFactory FACTORY = new JsonFactory();

  private JsonForm() {
  }

  static Buffer of(RoomEvent event) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(192);
    try (JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
      g.writeStartObject();
      g.writeStringField("type", event.type());
      g.writeStringField("room", event.room());
      if (event instanceof RoomEvent.Chat c) {
        g.writeStringField("username", c.username());
        g.writeStringField("text", c.text());
        g.writeNumberField("ts", c.ts());
        g.writeNumberField("seq", c.seq());
        g.writeStringField("id", c.id());
        guest(g, c.guest());
      } else if (event instanceof RoomEvent.Edited e) {
        g.writeStringField("id", e.id());
        g.writeStringField("username", e.username());
        g.writeStringField("text", e.text());
        g.writeNumberField("ts", e.ts());
        g.writeNumberField("seq", e.seq());
        guest(g, e.guest());
      } else if (event instanceof RoomEvent.Deleted d) {
        g.writeStringField("id", d.id());
        g.writeStringField("username", d.username());
        g.writeNumberField("ts", d.ts());
        g.writeNumberField("seq", d.seq());
        guest(g, d.guest());
      } else if (event instanceof RoomEvent.Joined j) {
        g.writeStringField("username", j.username());
        guest(g, j.guest());
      } else if (event instanceof RoomEvent.Left l) {
        g.writeStringField("username", l.username());
        guest(g, l.guest());
      } else if (event instanceof RoomEvent.Roster r) {
        g.writeArrayFieldStart("users");
        for (String user : r.users()) {
          g.writeString(user);
        }
        g.writeEndArray();
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    }
    return Buffer.buffer(out.toByteArray());
  }

  private static void guest(JsonGenerator g, boolean guest) throws IOException {
    if (guest) {
      g.writeBooleanField("guest", true);
    }
  }
}
