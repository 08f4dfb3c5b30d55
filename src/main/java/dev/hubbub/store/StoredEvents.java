package dev.hubbub.store;

import io.vertx.core.json.JsonObject;

/** The current-state flags every store puts on a chat event it returns, so all stores read back alike. */
final class StoredEvents {

  private StoredEvents() {
  }

  static JsonObject withState(JsonObject chat, boolean edited, boolean deleted) {
    if (edited) {
      chat.put("edited", true);
    }
    if (deleted) {
      chat.put("deleted", true).put("text", "");
    }
    return chat;
  }
}
