package dev.hubbub.protocol;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The typed events write exactly the JSON the core built before them: clients see the same bytes. */
class RoomEventTest {

  private static final List<JsonObject> WIRE = List.of(
      Events.chat("r", "ann", "hi \"there\" \u00e9\u2028 \\ / \n\t\u0001 \ud83d\ude00 <b>&", 1000, 3, "m1"),
      Events.chat("r\u00e9", "\u0430nn", "", 0, Long.MAX_VALUE, "m0"),
      Events.byGuest(true, Events.chat("r", "gus", "hey", 1001, 4, "m2")),
      Events.edited("r", "m1", "ann", "hi!", 1002, 5),
      Events.byGuest(true, Events.edited("r", "m2", "gus", "hey!", 1003, 6)),
      Events.deleted("r", "m1", "ann", 1004, 7),
      Events.byGuest(true, Events.deleted("r", "m2", "gus", 1005, 8)),
      Events.joined("r", "ann"),
      Events.byGuest(true, Events.joined("r", "gus")),
      Events.left("r", "ann"),
      Events.byGuest(true, Events.left("r", "gus")),
      Events.roster("r", List.of("ann", "gus")),
      Events.roster("r", List.of()));

  @Test
  void everyEventWritesTheSameJsonBytesAsBefore() {
    for (JsonObject json : WIRE) {
      RoomEvent event = RoomEvent.fromJson(json);
      assertEquals(json.encode(), event.toJson().encode());
      assertArrayEquals(json.toBuffer().getBytes(), new FeedEvent(event).json().getBytes(), "the cached bytes of " + json);
      assertEquals(json.getString("type"), event.type());
      assertEquals(Events.seqOf(json), event.seq());
    }
  }

  @Test
  void aJsonThatIsNoRoomEventIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> RoomEvent.fromJson(new JsonObject().put("type", "nope").put("room", "r")));
    assertThrows(IllegalArgumentException.class, () -> RoomEvent.fromJson(new JsonObject().put("type", "chat").put("room", "r")));
    assertThrows(IllegalArgumentException.class, () -> RoomEvent.fromJson(new JsonObject().put("type", "chat")));
  }
}
