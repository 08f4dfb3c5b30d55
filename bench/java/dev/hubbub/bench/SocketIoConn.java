package dev.hubbub.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Socket.IO 4 spoken directly over a Vert.x WebSocket: Engine.IO v4 packets ({@code 0} open, {@code 2}/{@code 3}
 * ping/pong, {@code 4} message) carrying Socket.IO packets ({@code 40} connect, {@code 42[event, data]}).
 */
final class SocketIoConn extends Conn {

  private static final byte[] CHAT = HubWsConn.bytes("42[\"chat\"");
  private static final byte[] ROSTER = HubWsConn.bytes("42[\"roster\"");
  private static final byte[] WELCOME = HubWsConn.bytes("42[\"welcome\"");
  private static final byte[] ERROR = HubWsConn.bytes("42[\"error\"");
  private static final int HEAD = 12;

  private final Promise<Void> connected = Promise.promise();

  private SocketIoConn(Meter meter) {
    super(meter);
  }

  static Future<Conn> open(WebSocketClient client, int port, Meter meter) {
    SocketIoConn conn = new SocketIoConn(meter);
    return conn.connect(client, port, "/socket.io/?EIO=4&transport=websocket")
        .compose(v -> conn.connected.future())
        .<Conn>map(conn);
  }

  @Override
  Future<Void> join(String room, String username) {
    ws.writeTextMessage("42" + new JsonArray().add("join").add(new JsonObject().put("room", room).put("username", username)).encode());
    return welcomed();
  }

  @Override
  void chat(String text) {
    ws.writeTextMessage("42[\"chat\",{\"text\":\"" + text + "\"}]");
  }

  @Override
  int lastRosterSize() {
    Buffer roster = lastRoster;
    return roster == null ? -1 : new JsonArray(roster.getBuffer(2, roster.length())).getJsonObject(1).getJsonArray("users").size();
  }

  @Override
  protected boolean heartbeat(Buffer buffer) {
    return buffer.length() == 1 && buffer.getByte(0) == '2';
  }

  @Override
  protected void onFrame(Buffer buffer, long now) {
    byte type = buffer.getByte(0);
    if (type == '4') {
      if (Meter.contains(buffer, CHAT, HEAD)) {
        delivered(buffer, now);
      } else if (Meter.contains(buffer, ROSTER, HEAD)) {
        lastRoster = buffer;
      } else if (Meter.contains(buffer, WELCOME, HEAD)) {
        welcomed.tryComplete();
      } else if (buffer.length() >= 2 && buffer.getByte(1) == '0') {
        connected.tryComplete();
      } else if (Meter.contains(buffer, ERROR, HEAD)) {
        welcomed.tryFail(buffer.toString());
      }
    } else if (type == '2') {
      ws.writeTextMessage("3");
    } else if (type == '0') {
      ws.writeTextMessage("40");
    }
  }
}
