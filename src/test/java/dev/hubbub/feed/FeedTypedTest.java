package dev.hubbub.feed;

import dev.hubbub.protocol.Addresses;
import dev.hubbub.protocol.FeedEvent;
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

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** Every room-feed publication, presence or persisted, is one typed event (no JSON copy per consumer). */
@ExtendWith(VertxExtension.class)
class FeedTypedTest {

  private static final List<String> EXPECTED = List.of("joined", "roster", "chat", "edited", "left", "roster");

  @Test
  void everyFeedEventIsTyped(Vertx vertx, VertxTestContext ctx) {
    List<String> types = new CopyOnWriteArrayList<>();
    List<Object> bodies = new CopyOnWriteArrayList<>();
    Promise<Void> all = Promise.promise();
    MessageConsumer<Object> observer = vertx.eventBus().consumer(Addresses.roomFeed("keys"), msg -> {
      bodies.add(msg.body());
      types.add(msg.body() instanceof FeedEvent e ? e.type() : String.valueOf(msg.body()));
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
          bodies.forEach(body -> assertInstanceOf(FeedEvent.class, body, "an untyped feed event: " + types));
          ctx.completeNow();
        })));
  }
}
