package dev.hubbub.bridge;

import dev.hubbub.auth.Identity;
import dev.hubbub.auth.RoomPolicy;
import dev.hubbub.protocol.Addresses;
import dev.hubbub.protocol.Disconnect;
import dev.hubbub.protocol.Events;
import dev.hubbub.protocol.FeedEvent;
import dev.hubbub.protocol.RoomEvent;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The subscription engine over fake transports: no sockets, no hub. */
@ExtendWith(VertxExtension.class)
class SessionEngineTest {

  /** A session over a fake transport that records what it was sent, or throws like a closed socket. */
  private static final class FakeSession extends FeedSession {
    final List<Long> seqs = new ArrayList<>();
    final List<Long> history = new ArrayList<>();
    final List<FeedEvent> events = new ArrayList<>();
    final Promise<Void> sawLast = Promise.promise();
    Identity reader = Identity.guest("gus");
    boolean throwing;
    boolean peerClosed;
    boolean full;
    Throwable aborted;
    Disconnect closedWith;
    String revokedWith;

    FakeSession live() {
      subscribing(0);
      replaying();
      replay(List.of(), false, "");
      return this;
    }

    @Override
    protected void write(FeedEvent event) {
      seqs.add(event.seq());
      events.add(event);
      if (event.seq() == 6) {
        sawLast.complete();
      }
    }

    @Override
    protected void writeHistory(List<JsonObject> replayed, boolean truncated, String epoch) {
      replayed.forEach(e -> history.add(e.getLong("seq")));
    }

    @Override
    protected boolean writeQueueFull() {
      if (throwing) {
        throw new IllegalStateException("WebSocket is closed");
      }
      return full;
    }

    @Override
    protected boolean transportClosed() {
      return peerClosed;
    }

    @Override
    protected void failed(Throwable cause) {
      aborted = cause;
    }

    @Override
    protected void close(Disconnect disconnect) {
      closedWith = disconnect;
    }

    @Override
    protected Identity reader() {
      return reader;
    }

    @Override
    protected void revoked(String reason) {
      revokedWith = reason;
    }
  }

  private static FeedEvent chat(long seq) {
    return new FeedEvent(new RoomEvent.Chat("r", "a", "t" + seq, 0, seq, "id" + seq, false));
  }

  @Test
  void aThrowingSessionIsDroppedAndTheOthersGetEveryEvent(Vertx vertx, VertxTestContext ctx) {
    SessionEngine engine = new SessionEngine(vertx);
    FakeSession before = new FakeSession().live();
    FakeSession broken = new FakeSession().live();
    FakeSession closedPeer = new FakeSession().live();
    FakeSession after = new FakeSession().live();
    broken.throwing = true;
    closedPeer.peerClosed = true;
    engine.subscribe("r", before);
    engine.subscribe("r", broken);
    engine.subscribe("r", closedPeer);
    engine.subscribe("r", after).onComplete(ctx.succeeding(v -> {
      vertx.exceptionHandler(ctx::failNow); // nothing may escape the fan-out
      for (long seq = 1; seq <= 5; seq++) {
        vertx.eventBus().publish(Addresses.roomFeed("r"), chat(seq));
      }
      // JSON on the feed (a tool, an older node) is typed by the engine.
      vertx.eventBus().publish(Addresses.roomFeed("r"), Events.chat("r", "a", "last", 0, 6, "id6"));
      after.sawLast.future().onComplete(ctx.succeeding(last -> ctx.verify(() -> {
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), before.seqs);
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), after.seqs, "a session after the broken one lost events");
        assertTrue(broken.aborted instanceof IllegalStateException, "the broken session was aborted");
        assertTrue(closedPeer.seqs.isEmpty(), "nothing is written to a closed transport");
        assertEquals(3, engine.counts().get("r"), "the broken session left the fan-out");
        for (int i = 0; i < 6; i++) {
          assertSame(before.events.get(i), after.events.get(i), "every session gets the one typed event");
        }
        ctx.completeNow();
      })));
    }));
  }

  @Test
  void oneConsumerPerRoomComesAndGoesWithItsSessions(Vertx vertx, VertxTestContext ctx) {
    SessionEngine engine = new SessionEngine(vertx);
    FakeSession a = new FakeSession().live();
    FakeSession b = new FakeSession().live();
    engine.subscribe("r", a);
    engine.subscribe("r", b).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      assertEquals(2, engine.counts().get("r"));
      engine.unsubscribe("r", a);
      engine.unsubscribe("r", b);
      assertNull(engine.counts().get("r"), "the last session takes the room's consumer with it");
      ctx.completeNow();
    })));
  }

  @Test
  void replayThenLiveWithoutGapOrDuplicate() {
    FakeSession session = new FakeSession();
    session.subscribing(1);
    session.deliver(chat(2)); // arrives while the join is in flight: held
    session.replaying();
    session.deliver(chat(3));
    session.deliver(chat(4));
    session.replay(List.of(Events.chat("r", "a", "t2", 0, 2, "id2"), Events.chat("r", "a", "t3", 0, 3, "id3")), false, "e");
    session.deliver(chat(4)); // a duplicate delivery is dropped too
    session.deliver(chat(5));
    assertEquals(List.of(2L, 3L), session.history);
    assertEquals(List.of(4L, 5L), session.seqs, "live continues after the replay, each event once");
  }

  @Test
  void aJoinStormWhileReplayingHoldsEveryJoinAndOnlyTheLatestRoster() {
    FakeSession session = new FakeSession();
    session.subscribing(0);
    session.replaying();
    for (int i = 0; i < 1500; i++) { // more newcomers than the persisted-event cap
      session.deliver(new FeedEvent(new RoomEvent.Joined("r", "u" + i, true)));
      if (i % 100 == 99) {
        session.deliver(new FeedEvent(new RoomEvent.Roster("r", List.of("u" + i))));
      }
    }
    session.deliver(chat(1));
    session.replay(List.of(), false, "e");
    assertNull(session.closedWith, "presence events do not make a replaying session slow");
    assertEquals(1500, session.events.stream().filter(e -> e.event() instanceof RoomEvent.Joined).count());
    List<RoomEvent> rosters = session.events.stream().map(FeedEvent::event).filter(RoomEvent.Roster.class::isInstance).toList();
    assertEquals(List.of(new RoomEvent.Roster("r", List.of("u1499"))), rosters, "a held roster replaces the ones before it");
    assertEquals(1L, session.seqs.get(session.seqs.size() - 1));
  }

  @Test
  void aSlowConsumerIsClosedWithTheLastSeqItWasSent() {
    FakeSession session = new FakeSession().live();
    session.deliver(chat(1));
    session.deliver(chat(2));
    session.full = true;
    session.deliver(chat(3));
    assertEquals(Disconnect.Kind.SLOW, session.closedWith.kind());
    assertEquals(2, session.closedWith.resumeAfter());
    assertEquals("slow consumer: reconnect and resume after seq 2", session.closedWith.reason());
    session.full = false;
    session.deliver(chat(4));
    assertEquals(List.of(1L, 2L), session.seqs, "nothing after the disconnect");
  }

  @Test
  void aRoomMadeMembersOnlyRevokesWhoMayNoLongerReadIt(Vertx vertx, VertxTestContext ctx) {
    SessionEngine engine = new SessionEngine(vertx);
    FakeSession guest = new FakeSession().live();
    FakeSession member = new FakeSession().live();
    member.reader = Identity.user("ann", "acc-ann", List.of(), Long.MAX_VALUE);
    List<String> deleted = new ArrayList<>();
    engine.enter(deleted::add);
    engine.subscribe("r", guest);
    engine.subscribe("r", member).onComplete(ctx.succeeding(v -> {
      engine.accessChanged(new RoomPolicy("r", "ann", true, true, Set.of("ann")));
      engine.accountDeleted("Ann");
      ctx.verify(() -> {
        assertEquals("room 'r' is now members-only", guest.revokedWith);
        assertNull(member.revokedWith, "a member keeps the feed");
        assertEquals(1, engine.counts().get("r"), "the revoked session left the room");
        assertEquals(List.of("ann"), deleted, "members are told the deleted account's key");
        assertTrue(SessionEngine.isAccount(member.reader, "ann"));
        ctx.completeNow();
      });
    }));
  }
}
