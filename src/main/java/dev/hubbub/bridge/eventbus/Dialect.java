package dev.hubbub.bridge.eventbus;

import dev.hubbub.protocol.Addresses;
import dev.hubbub.protocol.FeedEvent;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;

/**
 * The two wire dialects of the Vert.x event-bus bridge protocol. Requests are the same JSON in both
 * ({@code send}, {@code publish}, {@code register}, {@code unregister}, {@code ping}); they differ in how a
 * delivery and an error are tagged and in framing: SockJS carries one JSON text per message, TCP
 * prefixes each JSON with its length as a 4-byte big-endian integer.
 */
enum Dialect {

  /** vertx-web's SockJS bridge, as spoken by {@code @vertx/eventbus-bridge-client.js}. */
  SOCKJS("rec", FeedEvent.Form.SOCKJS) {
    @Override
    Buffer wire(JsonObject frame) {
      return Buffer.buffer(frame.encode());
    }

    @Override
    Buffer frame(Buffer json) {
      return json;
    }
  },

  /** vertx-tcp-eventbus-bridge. */
  TCP("message", FeedEvent.Form.TCP) {
    @Override
    Buffer wire(JsonObject frame) {
      byte[] json = frame.encode().getBytes(StandardCharsets.UTF_8);
      return Buffer.buffer(json.length + 4).appendInt(json.length).appendBytes(json);
    }

    @Override
    Buffer frame(Buffer json) {
      return Buffer.buffer(json.length() + 4).appendInt(json.length()).appendBuffer(json);
    }
  };

  private final String deliveryType;
  private final FeedEvent.Form form;

  Dialect(String deliveryType, FeedEvent.Form form) {
    this.deliveryType = deliveryType;
    this.form = form;
  }

  abstract Buffer wire(JsonObject frame);

  /** Frames one JSON text. */
  abstract Buffer frame(Buffer json);

  /**
   * A room event as a delivery on its feed address, built once per node around the event's JSON bytes:
   * the same bytes {@code wire(delivery(feed, event JSON, false))} gives, for every subscriber.
   */
  Buffer feedDelivery(FeedEvent event) {
    return event.form(form, e -> {
      Buffer json = e.json();
      String head = "{\"type\":\"" + deliveryType + "\",\"address\":" + Json.encode(Addresses.roomFeed(e.room())) + ",\"body\":";
      String tail = this == TCP ? ",\"send\":false}" : "}";
      return frame(Buffer.buffer(head.length() + json.length() + tail.length() + 8).appendString(head).appendBuffer(json).appendString(tail));
    });
  }

  /** A message for a registered address, or (with {@code reply}) the answer to a request. */
  JsonObject delivery(String address, Object body, boolean reply) {
    JsonObject frame = new JsonObject().put("type", deliveryType).put("address", address).put("body", body);
    if (this == TCP) {
      frame.put("send", reply);
    }
    return frame;
  }

  /**
   * An error. With an {@code address} (a reply address or a registered one) the client routes it to that
   * handler; {@code body} repeats the message because the stock SockJS bridge reported errors there.
   */
  JsonObject error(String address, int code, String message) {
    JsonObject frame = new JsonObject().put("type", "err").put("failureCode", code)
        .put("failureType", "RECIPIENT_FAILURE").put("message", message);
    if (address != null) {
      frame.put("address", address);
    }
    if (this == SOCKJS) {
      frame.put("body", message);
    }
    return frame;
  }
}
