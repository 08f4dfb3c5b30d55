package dev.hubbub.protocol;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonObject;

/**
 * The event-bus codec of {@link FeedEvent}, the default for that class. Locally the event is passed as
 * it is (immutable, so no copy): every consumer on the node shares its wire forms. Between nodes it
 * travels as its JSON bytes (a length, then the UTF-8 JSON), so the clustered bus carries plain JSON and
 * the receiving node reuses those bytes as the event's JSON form.
 */
public final class FeedEventCodec implements MessageCodec<FeedEvent, FeedEvent> {

  public static final String NAME = "hubbub.feed-event";

  /** Registers the codec on {@code bus} unless it already is; safe to call from every verticle. */
  public static void register(EventBus bus) {
    Codecs.registerDefault(bus, FeedEvent.class, new FeedEventCodec());
  }

  public static void register(Vertx vertx) {
    register(vertx.eventBus());
  }

  @Override
  public void encodeToWire(Buffer buffer, FeedEvent event) {
    Buffer json = event.json();
    buffer.appendInt(json.length()).appendBuffer(json);
  }

  @Override
  public FeedEvent decodeFromWire(int pos, Buffer buffer) {
    int length = buffer.getInt(pos);
    Buffer json = buffer.getBuffer(pos + 4, pos + 4 + length);
    return new FeedEvent(RoomEvent.fromJson(new JsonObject(json)), json);
  }

  @Override
  public FeedEvent transform(FeedEvent event) {
    return event;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
