package dev.hubbub.feed;

import dev.hubbub.support.TestHub;
import dev.hubbub.support.WsTestClient;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** Every room-feed publication, presence or persisted, carries its own key for the bridges' shared encodings. */
@ExtendWith(VertxExtension.class)
class FeedKeyTest {

  private static final List<String> EXPECTED = List.of("joined", "roster", "chat", "edited", "left", "roster");

  @Test
  void everyFeedEventCarriesAUniqueKey(Vertx vertx, VertxTestContext ctx) {
    List<String> types = new CopyOnWriteArrayList<>();
    List<String> keys = new CopyOnWriteArrayList<>();
    Promise<Void> all = Promise.promise();
    MessageConsumer<JsonObject> observer = vertx.eventBus().consumer(Addresses.roomFeed("keys"), msg -> {
      types.add(msg.body().getString("type"));
      keys.add(msg.headers().get(Addresses.EVENT_KEY_HEADER));
      if (types.size() == EXPECTED.size()) {
        all.complete();
      }
    });
    observer.completion()
        .compose(v -> TestHub.start(vertx))
        .compose(hub -> WsTestClient.live(vertx, hub.port, "keys", "ann"))
        .compose(ann -> {
          ann.chat("one");
          return ann.skipTo("chat").compose(chat -> {
            ann.send(new JsonObject().put("type", "edit").put("id", chat.getString("id")).put("text", "uno"));
            return ann.skipTo("edited");
          }).compose(edited -> {
            ann.send(new JsonObject().put("type", "leave"));
            return all.future();
          });
        })
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertEquals(EXPECTED, types);
          keys.forEach(key -> assertNotNull(key, "a feed event without a key: " + types));
          Set<String> distinct = new HashSet<>(keys);
          assertEquals(keys.size(), distinct.size(), "keys are unique: " + keys);
          ctx.completeNow();
        })));
  }
}
