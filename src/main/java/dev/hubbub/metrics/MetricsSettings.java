package dev.hubbub.metrics;

import io.vertx.core.json.JsonObject;

/**
 * The {@code metrics} settings.
 *
 * @param enabled whether Vert.x collects its metrics and {@code /metrics} is served
 * @param port    0: {@code /metrics} on the HTTP port; otherwise its own port (on {@code http.host}), so the
 *                public port can stay free of it
 */
public record MetricsSettings(boolean enabled, int port) {

  public static MetricsSettings from(JsonObject config) {
    JsonObject metrics = config.getJsonObject("metrics", new JsonObject());
    int port = metrics.getInteger("port", 0);
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("metrics.port must be 0 (the HTTP port) or a port number, not " + port);
    }
    return new MetricsSettings(metrics.getBoolean("enabled", true), port);
  }

  public boolean ownPort() {
    return enabled && port > 0;
  }
}
