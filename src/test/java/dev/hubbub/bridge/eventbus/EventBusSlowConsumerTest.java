package dev.hubbub.bridge.eventbus;

import dev.hubbub.protocol.Addresses;
import dev.hubbub.stats.ConnectionReporter;
import dev.hubbub.support.BusTestClient;
import dev.hubbub.support.Flood;
import dev.hubbub.support.StatsProbe;
import dev.hubbub.support.TestHub;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClientOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stock bridges queue without bound for a client that stops reading; ours cut it off with a 429
 * {@code err} frame, and it re-registers with {@code since} and loses nothing.
 */
@ExtendWith(VertxExtension.class)
class EventBusSlowConsumerTest {

  private static final int MESSAGES = Flood.messagesToOverflowKernelBuffers();
  private static final String ROOM = "slowbus";
  private static final String FEED = Addresses.roomFeed(ROOM);

  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS) // a flood may outlast the default 30 s on a slow machine
  @ParameterizedTest
  @ValueSource(strings = {ConnectionReporter.TCP, ConnectionReporter.SOCKJS})
  void aStalledBridgeClientIsCutOffAndResumesWithSince(String transport, Vertx vertx, VertxTestContext ctx) {
    WebClient web = WebClient.create(vertx);
    BusTestClient[] bus = new BusTestClient[1];
    List<Long> seen = new ArrayList<>();
    TestHub.start(vertx, Flood.slowConsumerHub(MESSAGES))
        .compose(hub -> connect(vertx, hub, transport, true)
            .compose(client -> {
              bus[0] = client;
              client.register(FEED);
              // The first message shows the registration is live before the reader stalls.
              return Flood.post(web, hub.port, ROOM, 1).compose(v -> client.nextEvent("chat"));
            })
            .compose(first -> {
              seen.add(first.getJsonObject("body").getLong("seq"));
              bus[0].pause();
              Future<JsonObject> cut = StatsProbe.await(vertx, s -> StatsProbe.connections(s, transport) == 0, 45_000);
              return Flood.post(web, hub.port, ROOM, MESSAGES - 1).compose(v -> cut);
            })
            .compose(cut -> {
              bus[0].resume();
              return bus[0].closed();
            })
            .compose(closed -> {
              List<JsonObject> frames = bus[0].drain();
              JsonObject last = frames.get(frames.size() - 1);
              assertEquals("err", last.getString("type"), last.encode());
              assertEquals(429, last.getInteger("failureCode"));
              assertTrue(last.getString("message").startsWith("slow consumer"), last.encode());
              seen.addAll(chatSeqs(frames));
              assertTrue(seen.size() < MESSAGES, "cut off before the end: " + seen.size());
              return connect(vertx, hub, transport, false);
            })
            .compose(again -> {
              again.register(FEED, new JsonObject().put("since", seen.get(seen.size() - 1)));
              return readChats(again, seen, MESSAGES);
            }))
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          Flood.assertAllOnceInOrder(seen, MESSAGES);
          ctx.completeNow();
        })));
  }

  private static Future<BusTestClient> connect(Vertx vertx, TestHub hub, String transport, boolean tinyReceiveBuffer) {
    int receiveBuffer = tinyReceiveBuffer ? 4096 : -1;
    return transport.equals(ConnectionReporter.TCP)
        ? BusTestClient.tcp(vertx, hub.tcpPort(), new NetClientOptions().setReceiveBufferSize(receiveBuffer))
        : BusTestClient.sockJs(vertx, hub.port, MultiMap.caseInsensitiveMultiMap(),
            new WebSocketClientOptions().setReceiveBufferSize(receiveBuffer));
  }

  private static Future<Void> readChats(BusTestClient client, List<Long> seen, int count) {
    if (seen.size() >= count) {
      return Future.succeededFuture();
    }
    return client.nextEvent("chat").compose(delivery -> {
      seen.add(delivery.getJsonObject("body").getLong("seq"));
      return readChats(client, seen, count);
    });
  }

  private static List<Long> chatSeqs(List<JsonObject> frames) {
    List<Long> seqs = new ArrayList<>();
    for (JsonObject frame : frames) {
      if (frame.getValue("body") instanceof JsonObject body && "chat".equals(body.getString("type"))) {
        seqs.add(body.getLong("seq"));
      }
    }
    return seqs;
  }
}
