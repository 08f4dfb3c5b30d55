package dev.hubbub.bridge.ws;

import dev.hubbub.support.Flood;
import dev.hubbub.support.StatsProbe;
import dev.hubbub.support.TestHub;
import dev.hubbub.support.WsTestClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client that stops reading is disconnected with 1013 instead of making the server buffer without
 * bound, and resumes from history after the seq the close reason names, losing nothing.
 */
@ExtendWith(VertxExtension.class)
class SlowConsumerTest {

  private static final int MESSAGES = Flood.messagesToOverflowKernelBuffers();
  private static final String REASON = "slow consumer: reconnect and resume after seq ";

  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS) // a flood may outlast the default 30 s on a slow machine
  @Test
  void aClientThatStopsReadingIsClosedWith1013AndResumes(Vertx vertx, VertxTestContext ctx) {
    WebClient web = WebClient.create(vertx);
    WsTestClient[] slow = new WsTestClient[1];
    List<Long> seen = new ArrayList<>();
    TestHub.start(vertx, Flood.slowConsumerHub(MESSAGES))
        .compose(hub -> WsTestClient.connect(vertx, hub.port, new WebSocketClientOptions().setReceiveBufferSize(4096))
            .compose(client -> {
              slow[0] = client;
              return client.join("flood", "slow");
            })
            .compose(welcome -> slow[0].skipTo("roster"))
            .compose(roster -> {
              slow[0].socket().pause(); // stop reading: the kernel buffers fill, then the server's queue
              Future<JsonObject> left = StatsProbe.await(vertx, s -> users(s, "flood") == 0, 45_000);
              return Flood.post(web, hub.port, "flood", MESSAGES).compose(v -> left);
            })
            .compose(left -> {
              slow[0].socket().resume();
              return slow[0].closed();
            })
            .compose(code -> {
              assertEquals((short) 1013, code);
              String reason = slow[0].closeReason();
              assertTrue(reason.startsWith(REASON), reason);
              seen.addAll(chatSeqs(slow[0].drain()));
              assertTrue(seen.size() < MESSAGES, "cut off before the end: " + seen.size());
              long resumeAfter = Long.parseLong(reason.substring(REASON.length()));
              assertEquals(seen.isEmpty() ? 0 : seen.get(seen.size() - 1), resumeAfter, "the reason names the last seq delivered");
              return WsTestClient.connect(vertx, hub.port).compose(again -> {
                again.send(new JsonObject().put("type", "join").put("room", "flood").put("username", "slow").put("since", resumeAfter));
                return again.expect("welcome").compose(w -> again.expect("history"));
              });
            }))
        .onComplete(ctx.succeeding(history -> ctx.verify(() -> {
          assertEquals(false, history.getBoolean("truncated"));
          seen.addAll(chatSeqs(history.getJsonArray("messages")));
          Flood.assertAllOnceInOrder(seen, MESSAGES);
          ctx.completeNow();
        })));
  }

  private static int users(JsonObject snapshot, String room) {
    return snapshot.getJsonArray("rooms").stream().map(JsonObject.class::cast)
        .filter(r -> room.equals(r.getString("room"))).findFirst().map(r -> r.getInteger("users")).orElse(0);
  }

  /** The seqs of the chat events in live frames and history replays, in order. */
  private static List<Long> chatSeqs(List<JsonObject> frames) {
    List<Long> seqs = new ArrayList<>();
    for (JsonObject frame : frames) {
      switch (frame.getString("type")) {
        case "chat" -> seqs.add(frame.getLong("seq"));
        case "history" -> seqs.addAll(chatSeqs(frame.getJsonArray("messages")));
        default -> { }
      }
    }
    return seqs;
  }

  private static List<Long> chatSeqs(JsonArray messages) {
    List<JsonObject> frames = new ArrayList<>();
    messages.forEach(m -> frames.add((JsonObject) m));
    return chatSeqs(frames);
  }
}
