package dev.hubbub.startup;

import io.vertx.core.json.jackson.JacksonCodec;
import io.vertx.core.spi.JsonFactory;
import io.vertx.core.spi.json.JsonCodec;

/**
 * Vert.x's JSON on jackson-core alone. Flyway brings jackson-databind onto the class path, and Vert.x then
 * builds an {@code ObjectMapper} at its first JSON (the configuration, before anything listens): about 400
 * classes for a mapping from POJOs that Hubbub never uses ({@code mapTo}, {@code mapFrom}, {@code asPojo}
 * would fail with this codec). Ordered before Vert.x's default factory (found through {@code META-INF/services}).
 */
public final class CoreJson implements JsonFactory {

  private static final JsonCodec CODEC = new JacksonCodec();

  @Override
  public int order() {
    return 0;
  }

  @Override
  public JsonCodec codec() {
    return CODEC;
  }
}
