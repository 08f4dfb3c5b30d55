package dev.hubbub.store;

import dev.hubbub.protocol.RoomEvent;

import java.util.Objects;

/**
 * One event to append, as the sequencer planned it: the typed event with its seq, and what is stored
 * beside it but never published, the chat's client id and its author's account id (each null when absent).
 */
public record EventRow(RoomEvent.Persisted event, String cid, String author) {

  public EventRow {
    Objects.requireNonNull(event, "event");
  }

  public String room() {
    return event.room();
  }

  public long seq() {
    return event.seq();
  }
}
