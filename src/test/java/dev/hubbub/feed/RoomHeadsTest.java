package dev.hubbub.feed;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sequencer's head cache stays bounded whatever the number of rooms, keeping the recently used. */
class RoomHeadsTest {

  @Test
  void keepsOnlyTheMostRecentlyUsedRooms() {
    RoomHeads heads = new RoomHeads(100);
    for (int i = 0; i < 5_000; i++) {
      heads.put("room" + i, (long) i);
      heads.get("room0"); // in use all along
    }
    assertEquals(100, heads.size());
    assertTrue(heads.containsKey("room0"), "a room in use is kept");
    assertTrue(heads.containsKey("room4999"));
    assertFalse(heads.containsKey("room1"), "an idle room is read from the store again when needed");
  }
}
