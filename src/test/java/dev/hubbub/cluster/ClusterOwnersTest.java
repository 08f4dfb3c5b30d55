package dev.hubbub.cluster;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusterOwnersTest {

  private static final List<String> ROOMS = IntStream.range(0, 3000).mapToObj(i -> "room-" + i).toList();

  @Test
  void everyNodeThatSeesTheSameMembersPicksTheSameOwner() {
    List<String> members = List.of("n1", "n2", "n3");
    for (String room : ROOMS) {
      assertEquals(ClusterOwners.owner(room, members), ClusterOwners.owner(room, List.of("n3", "n1", "n2")));
    }
  }

  @Test
  void roomsSpreadOverTheMembers() {
    Map<String, Integer> counts = new HashMap<>();
    ROOMS.forEach(room -> counts.merge(ClusterOwners.owner(room, List.of("n1", "n2", "n3")), 1, Integer::sum));
    assertEquals(3, counts.size());
    counts.values().forEach(n -> assertTrue(n > 800 && n < 1200, "about a third each: " + counts));
  }

  @Test
  void aLeavingMemberMovesOnlyItsOwnRoomsAndAJoiningOneTakesOnlyItsShare() {
    List<String> three = List.of("n1", "n2", "n3");
    List<String> two = List.of("n1", "n2");
    int moved = 0;
    for (String room : ROOMS) {
      String before = ClusterOwners.owner(room, three);
      String after = ClusterOwners.owner(room, two);
      if (!before.equals("n3")) {
        assertEquals(before, after, "a room n3 did not own stays where it was");
      } else {
        moved++;
      }
    }
    assertTrue(moved > 800 && moved < 1200, "n3's third moved, back when it rejoins: " + moved);
  }
}
