package dev.hubbub.bench;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketClient;

/** The bare fan-out's protocol: {@code join <room>} → {@code joined <room>}; every other frame is a chat. */
final class BareConn extends Conn {

  private BareConn(Meter meter) {
    super(meter);
  }

  static Future<Conn> open(WebSocketClient client, int port, Meter meter) {
    BareConn conn = new BareConn(meter);
    return conn.connect(client, port, "/ws").<Conn>map(conn);
  }

  @Override
  Future<Void> join(String room, String username) {
    ws.writeTextMessage("join " + room);
    return welcomed();
  }

  @Override
  void chat(String text) {
    ws.writeTextMessage(text);
  }

  @Override
  int lastRosterSize() {
    return -1;
  }

  @Override
  protected void onFrame(Buffer buffer, long now) {
    if (buffer.length() > 7 && buffer.getByte(0) == 'j' && buffer.getString(0, 7).equals("joined ")) {
      welcomed.tryComplete();
    } else {
      delivered(buffer, now);
    }
  }
}
