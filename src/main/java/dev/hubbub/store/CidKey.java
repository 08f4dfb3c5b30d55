package dev.hubbub.store;

/** A client-chosen message id: unique per user and room, so a retried chat is recognised. */
public record CidKey(String room, String username, String cid) {
}
