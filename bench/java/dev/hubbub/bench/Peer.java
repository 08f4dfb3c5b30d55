package dev.hubbub.bench;

import io.vertx.core.Future;

/** The three servers under test, what each can run, and how the generator speaks to it. */
enum Peer {
  HUBBUB("hubbub", "Hubbub"),
  SOCKETIO("socketio", "Socket.IO 4"),
  BARE("bare", "bare Vert.x 5");

  final String id;
  final String title;

  Peer(String id, String title) {
    this.id = id;
    this.title = title;
  }

  /** SSE, durable acks and server-rendered pages are Hubbub's own. */
  boolean hubOnly() {
    return this == HUBBUB;
  }

  /** Whether joins publish a roster to the room. */
  boolean rosters() {
    return this != BARE;
  }

  boolean jvm() {
    return this != SOCKETIO;
  }

  /** A new, not yet joined connection counting its chat deliveries into {@code meter} (null: not counted). */
  Future<Conn> open(Load load, Meter meter) {
    return switch (this) {
      case HUBBUB -> HubWsConn.open(load.ws, load.port(), meter);
      case SOCKETIO -> SocketIoConn.open(load.ws, load.port(), meter);
      case BARE -> BareConn.open(load.ws, load.port(), meter);
    };
  }

  /** A connection already joined to {@code room}. */
  Future<Conn> joined(Load load, Meter meter, String room, String username) {
    return open(load, meter).compose(c -> c.join(room, username).map(c));
  }
}
