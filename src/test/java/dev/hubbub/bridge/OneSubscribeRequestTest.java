package dev.hubbub.bridge;

import dev.hubbub.protocol.Addresses;
import dev.hubbub.support.BusTestClient;
import dev.hubbub.support.SseTestClient;
import dev.hubbub.support.TestHub;
import dev.hubbub.support.WsTestClient;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Subscribing is one request: a WebSocket join, an SSE stream and a TCP or SockJS registration each send
 * exactly one {@link Addresses#SUBSCRIBE}, and no separate join, access, roster or history request, while
 * the core decides access once (one access request for a room not yet cached) and reads the history once.
 * Requests are counted on the bus with an outbound interceptor while each client subscribes to a fresh room.
 */
@ExtendWith(VertxExtension.class)
class OneSubscribeRequestTest {

  /**
   * The requests that subscribing used to be, and the one the core makes now: its access check. Presence
   * reads the history itself from the database (a memory store's owner shard would get a history.read).
   */
  private static final List<String> COUNTED = List.of(Addresses.SUBSCRIBE, Addresses.JOIN, Addresses.ACCESS, Addresses.ROSTER,
      Addresses.HISTORY, "hubbub.history.read");

  private final Map<String, Integer> sent = new TreeMap<>();

  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  @Test
  void everyTransportSubscribesInOneRequest(Vertx vertx, VertxTestContext ctx) {
    Handler<DeliveryContext<Object>> counter = dc -> {
      if (dc.send()) {
        String address = dc.message().address();
        COUNTED.stream().filter(address::startsWith).findFirst().ifPresent(this::count);
      }
      dc.next();
    };
    Map<String, Integer> expected = Map.of(Addresses.SUBSCRIBE, 1, Addresses.ACCESS, 1);
    TestHub.start(vertx)
        .compose(hub -> {
          vertx.eventBus().addOutboundInterceptor(counter);
          return counted("ws", expected, () -> WsTestClient.connect(vertx, hub.port)
                  .compose(c -> c.join("ws-room", "wendy").compose(welcome -> c.expect("history")).compose(h -> c.close())))
              .compose(v -> counted("sse", expected, () -> SseTestClient.connect(vertx, hub.port, "/rooms/sse-room/events?format=json")
                  .compose(c -> c.expect("roster").compose(r -> c.expect("history")).compose(h -> c.close()))))
              .compose(v -> counted("tcp", expected, () -> BusTestClient.tcp(vertx, hub.tcpPort()).compose(this::registered)))
              .compose(v -> counted("sockjs", expected, () -> BusTestClient.sockJs(vertx, hub.port).compose(this::registered)));
        })
        .onComplete(done -> {
          vertx.eventBus().removeOutboundInterceptor(counter);
          ctx.<Void>succeedingThenComplete().handle(done);
        });
  }

  /** A bridge client registers a room's feed (a fresh room for each dialect) and reads its history delivery. */
  private Future<Void> registered(BusTestClient client) {
    client.register(Addresses.roomFeed("bus-room-" + client.deliveryType()));
    return client.next().map(first -> {
      JsonObject body = first.getJsonObject("body");
      assertEquals("history", body == null ? null : body.getString("type"), "the registration's history delivery: " + first.encode());
      client.close();
      return null;
    });
  }

  /** Runs {@code subscribe} and checks the requests sent meanwhile. */
  private Future<Void> counted(String transport, Map<String, Integer> expected, Supplier<Future<?>> subscribe) {
    synchronized (sent) {
      sent.clear();
    }
    return subscribe.get().map(v -> {
      synchronized (sent) {
        assertEquals(new TreeMap<>(expected), new TreeMap<>(sent), transport + ": the requests one subscription sent");
      }
      return null;
    });
  }

  private void count(String address) {
    synchronized (sent) {
      sent.merge(address, 1, Integer::sum);
    }
  }
}
