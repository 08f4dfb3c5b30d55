package dev.hubbub;

import io.vertx.core.json.JsonObject;

/**
 * The {@code shutdown} settings.
 *
 * @param deadlineMs how long a graceful shutdown (SIGTERM) may take, draining and telling clients included;
 *                   past it the process exits anyway ({@code HUBBUB_SHUTDOWN_DEADLINE_MS})
 */
public record ShutdownSettings(long deadlineMs) {

  public static ShutdownSettings from(JsonObject config) {
    Number deadline = config.getJsonObject("shutdown", new JsonObject()).getNumber("deadlineMs", 10_000);
    if (deadline.longValue() <= 0) {
      throw new IllegalArgumentException("config shutdown.deadlineMs must be a positive number, got " + deadline);
    }
    return new ShutdownSettings(deadline.longValue());
  }
}
