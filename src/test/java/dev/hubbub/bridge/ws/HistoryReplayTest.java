package dev.hubbub.bridge.ws;

import dev.hubbub.support.TestHub;
import dev.hubbub.support.WsTestClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A join replays history after the welcome; a resume races a live message and still gets it exactly once.
 * (Truncation and resumes beyond the history are in {@link WebSocketHistoryTest}.)
 */
@ExtendWith(VertxExtension.class)
class HistoryReplayTest {

  private TestHub hub;

  @BeforeEach
  void startHub(Vertx vertx, VertxTestContext ctx) {
    JsonObject history = new JsonObject().put("replayLimit", 3).put("resumeLimit", 5).put("memoryWindow", 100);
    TestHub.start(vertx, new JsonObject().put("history", history)).onComplete(ctx.succeeding(h -> {
      hub = h;
      ctx.completeNow();
    }));
  }

  /** Posts {@code count} messages as {@code author} and waits until the author has seen the last one. */
  private Future<WsTestClient> post(WsTestClient author, int from, int count) {
    for (int i = from; i < from + count; i++) {
      author.chat("m" + i);
    }
    Future<JsonObject> last = author.skipTo("chat");
    for (int i = 1; i < count; i++) {
      last = last.compose(x -> author.skipTo("chat"));
    }
    return last.map(author);
  }

  private static List<Long> seqs(JsonArray messages) {
    List<Long> seqs = new ArrayList<>();
    messages.forEach(m -> seqs.add(((JsonObject) m).getLong("seq")));
    return seqs;
  }

  @Test
  void aFreshJoinGetsTheLatestMessages(Vertx vertx, VertxTestContext ctx) {
    WsTestClient.live(vertx, hub.port, "r", "author")
        .compose(author -> post(author, 1, 5))
        .compose(author -> WsTestClient.connect(vertx, hub.port))
        .compose(reader -> {
          reader.send(new JsonObject().put("type", "join").put("room", "r").put("username", "reader"));
          return reader.expect("welcome").compose(w -> reader.expect("history"));
        })
        .onComplete(ctx.succeeding(history -> ctx.verify(() -> {
          assertEquals(List.of(3L, 4L, 5L), seqs(history.getJsonArray("messages")));
          assertEquals("m5", history.getJsonArray("messages").getJsonObject(2).getString("text"));
          assertFalse(history.getBoolean("truncated"));
          ctx.completeNow();
        })));
  }

  @Test
  void aResumeGetsExactlyWhatWasMissedThenLiveEvents(Vertx vertx, VertxTestContext ctx) {
    WsTestClient[] c = new WsTestClient[2];
    WsTestClient.live(vertx, hub.port, "r", "author")
        .compose(author -> {
          c[0] = author;
          return post(author, 1, 4);
        })
        .compose(author -> WsTestClient.connect(vertx, hub.port))
        .compose(reader -> {
          c[1] = reader;
          reader.send(new JsonObject().put("type", "join").put("room", "r").put("username", "reader").put("since", 2));
          // Published while the resume is in flight: must arrive exactly once, after the history.
          c[0].chat("m5");
          return reader.expect("welcome").compose(w -> reader.expect("history"));
        })
        .compose(history -> {
          List<Long> replayed = seqs(history.getJsonArray("messages"));
          assertFalse(history.getBoolean("truncated"));
          assertEquals(List.of(3L, 4L), replayed.subList(0, 2));
          // m5 is either the last replayed message or the first live one, never both and never missing.
          if (replayed.size() == 3) {
            assertEquals(5L, replayed.get(2));
            c[0].chat("m6");
            return c[1].skipTo("chat").map(live -> List.of(6L, live.getLong("seq")));
          }
          return c[1].skipTo("chat").map(live -> List.of(5L, live.getLong("seq")));
        })
        .onComplete(ctx.succeeding(expectedAndActual -> ctx.verify(() -> {
          assertEquals(expectedAndActual.get(0), expectedAndActual.get(1));
          ctx.completeNow();
        })));
  }
}
