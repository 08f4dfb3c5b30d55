package dev.hubbub.web.pages;

import dev.hubbub.protocol.Events;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A room's recent history folded for display: edits and deletions are applied to the messages they name,
 * and {@link #lastSeq()} is the point the page's live stream resumes from, so nothing stored between the
 * first paint and the subscription is lost.
 */
public record Transcript(List<MessageView> messages, long lastSeq) {

  /** {@code events} in {@code seq} order, as {@code Addresses.HISTORY} returns them. */
  public static Transcript fold(List<JsonObject> events) {
    Map<String, MessageView> byId = new LinkedHashMap<>();
    long lastSeq = 0;
    for (JsonObject event : events) {
      lastSeq = Math.max(lastSeq, Events.seqOf(event));
      String id = event.getString("id");
      if (id == null) {
        continue;
      }
      switch (event.getString("type", "")) {
        case Events.CHAT -> byId.put(id, MessageView.of(event));
        // A change to a message older than the window has nothing to apply to.
        case Events.EDITED -> byId.computeIfPresent(id, (k, m) -> m.edit(event));
        case Events.DELETED -> byId.computeIfPresent(id, (k, m) -> m.delete());
        default -> {
        }
      }
    }
    return new Transcript(new ArrayList<>(byId.values()), lastSeq);
  }
}
