package dev.hubbub.bench;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;

/** Hubbub's WebSocket protocol ({@code GET /ws}, JSON frames). Only small frames are parsed as JSON. */
final class HubWsConn extends Conn {

  private static final byte[] CHAT = bytes("\"type\":\"chat\"");
  private static final byte[] ROSTER = bytes("\"type\":\"roster\"");
  private static final byte[] WELCOME = bytes("\"type\":\"welcome\"");
  private static final byte[] ACK = bytes("\"type\":\"ack\"");
  private static final byte[] ERROR = bytes("\"type\":\"error\"");
  private static final int HEAD = 48;

  private HubWsConn(Meter meter) {
    super(meter);
  }

  static Future<Conn> open(WebSocketClient client, int port, Meter meter) {
    HubWsConn conn = new HubWsConn(meter);
    return conn.connect(client, port, "/ws").<Conn>map(conn);
  }

  @Override
  Future<Void> join(String room, String username) {
    ws.writeTextMessage(new JsonObject().put("type", "join").put("room", room).put("username", username).encode());
    return welcomed();
  }

  @Override
  void chat(String text) {
    ws.writeTextMessage("{\"type\":\"chat\",\"text\":\"" + text + "\"}");
  }

  @Override
  void chat(String text, String cid) {
    ws.writeTextMessage("{\"type\":\"chat\",\"text\":\"" + text + "\",\"cid\":\"" + cid + "\"}");
  }

  @Override
  int lastRosterSize() {
    Buffer roster = lastRoster;
    return roster == null ? -1 : new JsonObject(roster).getJsonArray("users").size();
  }

  @Override
  protected void onFrame(Buffer buffer, long now) {
    if (Meter.contains(buffer, CHAT, HEAD)) {
      delivered(buffer, now);
    } else if (Meter.contains(buffer, ROSTER, HEAD)) {
      lastRoster = buffer;
    } else if (Meter.contains(buffer, ACK, HEAD)) {
      acks.accept(new JsonObject(buffer).getString("cid"));
    } else if (Meter.contains(buffer, WELCOME, HEAD)) {
      welcomed.tryComplete();
    } else if (Meter.contains(buffer, ERROR, HEAD)) {
      welcomed.tryFail(buffer.toString());
      System.err.println("hubbub error frame: " + buffer);
    }
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
