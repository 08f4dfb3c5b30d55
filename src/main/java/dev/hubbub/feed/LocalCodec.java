package dev.hubbub.feed;

import dev.hubbub.protocol.Codecs;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;

/**
 * Passes the core's own immutable values between its verticles on one node as they are (no copy), e.g. a
 * history page from a sequencer shard to presence. Only for local consumers: it has no wire form, so a
 * value sent with it to another node fails loudly instead of travelling half-encoded.
 */
final class LocalCodec implements MessageCodec<Object, Object> {

  static final String NAME = "hubbub.local";
  /** Delivery options that send (or reply) a value with this codec. */
  static DeliveryOptions options() {
    return new DeliveryOptions().setCodecName(NAME).setLocalOnly(true);
  }

  private LocalCodec() {
  }

  /** Registers the codec on {@code bus} unless it already is; safe to call from every verticle. */
  static void register(EventBus bus) {
    Codecs.register(bus, new LocalCodec());
  }

  @Override
  public void encodeToWire(Buffer buffer, Object value) {
    throw new UnsupportedOperationException("a local value cannot leave the node: " + value.getClass().getName());
  }

  @Override
  public Object decodeFromWire(int pos, Buffer buffer) {
    throw new UnsupportedOperationException("a local value cannot come from another node");
  }

  @Override
  public Object transform(Object value) {
    return value;
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
