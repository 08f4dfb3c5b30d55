package dev.hubbub.protocol;

import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;

/**
 * Registers the hub's event-bus codecs once per Vert.x, whichever verticle (or test, or bench) asks first:
 * every later registration is the same codec, so it is skipped.
 */
public final class Codecs {

  private Codecs() {
  }

  /** {@code codec} as the default for {@code type} on {@code bus}, unless one already is. */
  public static synchronized <T> void registerDefault(EventBus bus, Class<T> type, MessageCodec<T, ?> codec) {
    try {
      bus.registerDefaultCodec(type, codec);
    } catch (IllegalStateException alreadyRegistered) {
      // One codec per class and Vert.x: the first registration wins.
    }
  }

  /** {@code codec} under its name on {@code bus}, unless it already is. */
  public static synchronized void register(EventBus bus, MessageCodec<?, ?> codec) {
    try {
      bus.registerCodec(codec);
    } catch (IllegalStateException alreadyRegistered) {
      // One codec per name and Vert.x: the first registration wins.
    }
  }
}
