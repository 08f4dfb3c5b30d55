package dev.hubbub.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The bare Vert.x 5 peer: a WebSocket room fan-out with nothing else, the ceiling of what the framework does.
 * Protocol on {@code /ws}: a text frame {@code join <room>} answers {@code joined <room>}; any other text frame
 * is sent to every socket in the sender's room, sender included. {@code GET /health} answers 200.
 * One verticle per event loop, sharing one concurrent room map; Vert.x hands each write to the socket's own loop.
 */
public final class BareFanout extends VerticleBase {

  private static final Map<String, Set<ServerWebSocket>> ROOMS = new ConcurrentHashMap<>();
  private final int port;

  private BareFanout(int port) {
    this.port = port;
  }

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    Vertx vertx = Vertx.vertx();
    int loops = 2 * Runtime.getRuntime().availableProcessors();
    vertx.deployVerticle(() -> new BareFanout(port), new DeploymentOptions().setInstances(loops))
        .onSuccess(id -> System.out.println("bare fan-out listening on " + port))
        .onFailure(e -> {
          e.printStackTrace();
          System.exit(1);
        });
  }

  @Override
  public Future<?> start() {
    return vertx.createHttpServer()
        .webSocketHandler(this::serve)
        .requestHandler(req -> req.response().setStatusCode("/health".equals(req.path()) ? 200 : 404).end("{\"status\":\"up\"}"))
        .listen(port, "127.0.0.1");
  }

  private void serve(ServerWebSocket ws) {
    String[] room = {null};
    ws.textMessageHandler(text -> {
      if (text.startsWith("join ")) {
        leave(room[0], ws);
        room[0] = text.substring(5);
        ROOMS.computeIfAbsent(room[0], r -> ConcurrentHashMap.newKeySet()).add(ws);
        ws.writeTextMessage("joined " + room[0]);
      } else if (room[0] != null) {
        for (ServerWebSocket member : ROOMS.getOrDefault(room[0], Set.of())) {
          member.writeTextMessage(text);
        }
      }
    });
    ws.closeHandler(v -> leave(room[0], ws));
  }

  private static void leave(String room, ServerWebSocket ws) {
    if (room != null) {
      ROOMS.computeIfPresent(room, (r, members) -> members.remove(ws) && members.isEmpty() ? null : members);
    }
  }
}
