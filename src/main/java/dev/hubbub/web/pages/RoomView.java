package dev.hubbub.web.pages;

import java.util.List;

/** Everything the room page shows on first paint, and where its live stream resumes. */
public record RoomView(String room, Transcript transcript, List<String> users, PostForm form, Assets assets) {

  /** HTML fragments after the last event rendered here. */
  public String eventsUrl() {
    return "/rooms/" + room + "/events?lastEventId=" + transcript.lastSeq();
  }
}
