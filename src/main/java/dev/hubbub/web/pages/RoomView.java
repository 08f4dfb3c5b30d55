package dev.hubbub.web.pages;

import java.util.List;

/**
 * Everything the room page shows on first paint, and where its live stream resumes: after the last seq
 * rendered, in the history {@code epoch} it was rendered from ({@code ""} while the room has none).
 */
public record RoomView(String room, Transcript transcript, List<String> users, PostForm form, Assets assets, String epoch,
                       int watchers) {

  /** HTML fragments after the last event rendered here; the epoch is URL-safe by construction. */
  public String eventsUrl() {
    String url = "/rooms/" + room + "/events?lastEventId=" + transcript.lastSeq();
    return epoch == null || epoch.isEmpty() ? url : url + "&epoch=" + epoch;
  }
}
