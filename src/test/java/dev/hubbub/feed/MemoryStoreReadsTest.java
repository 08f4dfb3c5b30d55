package dev.hubbub.feed;

import dev.hubbub.support.TestHub;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * With {@code db.url=memory} each sequencer shard keeps the history of the rooms it owns, so every read,
 * whichever shard the bus hands it to, must be answered by the owner's store.
 */
@ExtendWith(VertxExtension.class)
class MemoryStoreReadsTest {

  private static final int ROOMS = 8;
  private static final int READS_PER_ROOM = 6;

  @Test
  void everyReadOfAMemoryHubSeesTheRoomsWholeHistory(Vertx vertx, VertxTestContext ctx) {
    WebClient http = WebClient.create(vertx);
    TestHub.start(vertx, new JsonObject().put("db", new JsonObject().put("url", "memory"))).compose(hub -> {
      Future<Void> posted = Future.succeededFuture();
      for (int room = 0; room < ROOMS; room++) {
        for (int i = 1; i <= 3; i++) {
          String uri = "/api/rooms/mem" + room + "/messages";
          JsonObject body = new JsonObject().put("username", "ann").put("text", "message " + i);
          posted = posted.compose(v -> http.post(hub.port, "127.0.0.1", uri).sendJsonObject(body).map(r -> {
            assertEquals(201, r.statusCode(), r.bodyAsString());
            return null;
          }));
        }
      }
      return posted.compose(v -> {
        List<Future<Integer>> reads = new ArrayList<>();
        for (int room = 0; room < ROOMS; room++) {
          for (int n = 0; n < READS_PER_ROOM; n++) {
            String uri = "/api/rooms/mem" + room + "/messages";
            reads.add(http.get(hub.port, "127.0.0.1", uri).send()
                .map(r -> r.bodyAsJsonObject().getJsonArray("messages").size()));
          }
        }
        return Future.all(reads).map(all -> reads.stream().map(Future::result).toList());
      });
    }).onComplete(ctx.succeeding(counts -> ctx.verify(() -> {
      assertEquals(List.of(3), counts.stream().distinct().toList(), "messages seen by each read: " + counts);
      ctx.completeNow();
    })));
  }
}
