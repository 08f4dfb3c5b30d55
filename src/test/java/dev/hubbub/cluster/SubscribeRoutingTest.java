package dev.hubbub.cluster;

import dev.hubbub.auth.Identity;
import dev.hubbub.protocol.Addresses;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the router keeps of a subscribe: one that joins is tracked like a JOIN (its origin at the owner, its
 * membership at the front door), and what it re-sends at a room's new owner is that plain JOIN, without
 * the history fields, so a move re-joins the member and replays nothing. A watcher's subscribe joins nobody.
 */
class SubscribeRoutingTest {

  @Test
  void aJoiningSubscribeIsTrackedAndReJoinedAsAPlainJoin() {
    JsonObject subscribe = Identity.guest("ann").into(new JsonObject().put("room", "hall").put("join", true).put("session", "s1")
        .put("since", 7).put("epoch", "e1").put("limit", 3));
    assertTrue(CommandRouter.joins(Addresses.SUBSCRIBE, subscribe));
    assertTrue(CommandRouter.joins(Addresses.JOIN, new JsonObject().put("room", "hall")));
    assertEquals(Identity.guest("ann").into(new JsonObject().put("room", "hall").put("session", "s1")), CommandRouter.asJoin(subscribe),
        "the re-join carries the member, not the history request");
    assertEquals(7, subscribe.getInteger("since"), "the command relayed to the owner is left as it is");
  }

  @Test
  void aWatchersSubscribeJoinsNobody() {
    assertFalse(CommandRouter.joins(Addresses.SUBSCRIBE, new JsonObject().put("room", "hall")));
    assertFalse(CommandRouter.joins(Addresses.SUBSCRIBE, new JsonObject().put("room", "hall").put("join", false).put("session", "s1")));
    assertFalse(CommandRouter.joins(Addresses.ROSTER, new JsonObject().put("room", "hall").put("session", "s1")));
  }
}
