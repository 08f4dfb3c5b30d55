package dev.hubbub.feed;

import dev.hubbub.support.TempDb;
import dev.hubbub.support.TestHub;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A hub stopped and started again on the same database keeps its history, its seqs and its cids. */
@ExtendWith(VertxExtension.class)
class RestartTest {

  @Test
  void historySeqsAndCidsSurviveARestart(Vertx vertx, VertxTestContext ctx) {
    WebClient http = WebClient.create(vertx);
    JsonObject db = new JsonObject().put("db", new JsonObject().put("url", TempDb.freshH2Url()));
    TestHub[] hub = new TestHub[1];
    JsonObject[] firstAck = new JsonObject[1];
    TestHub.start(vertx, db)
        .compose(h -> {
          hub[0] = h;
          return post(http, h, "before restart 1", "r1", 201);
        })
        .compose(ack -> {
          firstAck[0] = ack;
          return post(http, hub[0], "before restart 2", "r2", 201);
        })
        .compose(ack -> post(http, hub[0], "before restart 3", null, 201))
        .compose(ack -> {
          assertEquals(3L, ack.getLong("seq"));
          return hub[0].stop(vertx);
        })
        .compose(v -> TestHub.start(vertx, db))
        .compose(h -> {
          hub[0] = h;
          return http.get(h.port, "127.0.0.1", "/api/rooms/durable/messages").send();
        })
        .compose(r -> {
          assertEquals(List.of("before restart 1", "before restart 2", "before restart 3"),
              r.bodyAsJsonObject().getJsonArray("messages").stream().map(m -> ((JsonObject) m).getString("text")).toList());
          return post(http, hub[0], "before restart 1", "r1", 200);
        })
        .compose(retry -> {
          assertEquals(firstAck[0], retry, "a cid from before the restart is still recognised");
          return post(http, hub[0], "after restart", "r4", 201);
        })
        .onComplete(ctx.succeeding(ack -> ctx.verify(() -> {
          assertEquals(4L, ack.getLong("seq"), "seq continues where it was");
          ctx.completeNow();
        })));
  }

  private static Future<JsonObject> post(WebClient http, TestHub hub, String text, String cid, int status) {
    JsonObject body = new JsonObject().put("username", "keeper").put("text", text);
    if (cid != null) {
      body.put("cid", cid);
    }
    return http.post(hub.port, "127.0.0.1", "/api/rooms/durable/messages").sendJsonObject(body).map(r -> {
      assertEquals(status, r.statusCode(), r.bodyAsString());
      return r.bodyAsJsonObject();
    });
  }
}
