package dev.hubbub.bridge;

import dev.hubbub.feed.Addresses;
import dev.hubbub.feed.Events;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fan-out with fake transports, no sockets: one failing session never costs the others an event. */
@ExtendWith(VertxExtension.class)
class RoomFanoutTest {

  /** A live session over a fake transport that records what it was sent, or throws like a closed socket. */
  private static final class FakeSession extends FeedSession {
    final List<Long> seqs = new ArrayList<>();
    final Promise<Void> sawLast = Promise.promise();
    boolean throwing;
    boolean peerClosed;
    Throwable aborted;

    FakeSession() {
      subscribing(0);
      replaying();
      replay(List.of(), false, "");
    }

    @Override
    protected void write(FeedEvent event) {
      seqs.add(event.seq());
      if (event.seq() == 6) {
        sawLast.complete();
      }
    }

    @Override
    protected void writeHistory(List<JsonObject> events, boolean truncated, String epoch) {
    }

    @Override
    protected boolean writeQueueFull() {
      if (throwing) {
        throw new IllegalStateException("WebSocket is closed");
      }
      return false;
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
    protected void disconnectSlow(String reason) {
    }
  }

  @Test
  void aThrowingSessionIsDroppedAndTheOthersGetEveryEvent(Vertx vertx, VertxTestContext ctx) {
    RoomFanout<FeedSession> fanout = new RoomFanout<>(vertx);
    FakeSession before = new FakeSession();
    FakeSession broken = new FakeSession();
    FakeSession closedPeer = new FakeSession();
    FakeSession after = new FakeSession();
    broken.throwing = true;
    closedPeer.peerClosed = true;
    fanout.add("r", before);
    fanout.add("r", broken);
    fanout.add("r", closedPeer);
    fanout.add("r", after).onComplete(ctx.succeeding(v -> {
      vertx.exceptionHandler(ctx::failNow); // nothing may escape the fan-out
      for (long seq = 1; seq <= 5; seq++) {
        vertx.eventBus().publish(Addresses.roomFeed("r"), Events.chat("r", "a", "t" + seq, 0, seq, "id" + seq));
      }
      vertx.eventBus().publish(Addresses.roomFeed("r"), Events.chat("r", "a", "last", 0, 6, "id6"));
      after.sawLast.future().onComplete(ctx.succeeding(last -> ctx.verify(() -> {
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), before.seqs);
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), after.seqs, "a session after the broken one lost events");
        assertTrue(broken.aborted instanceof IllegalStateException, "the broken session was aborted");
        assertTrue(closedPeer.seqs.isEmpty(), "nothing is written to a closed transport");
        assertEquals(3, fanout.counts().get("r"), "the broken session left the fan-out");
        ctx.completeNow();
      })));
    }));
  }
}
