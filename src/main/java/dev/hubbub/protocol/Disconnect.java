package dev.hubbub.protocol;

/**
 * Why the hub ends a client's session, as a value: what kind of end it is, the text the client is told,
 * and the seq to resume after (the last one written to it). Each transport maps the kind to its own close
 * code (WebSocket 1013/1001, bridge {@code err} 429/503, an SSE {@code error}/{@code shutdown} event);
 * the reason text is the same on every transport, and carries the resume point for clients that read it.
 */
public record Disconnect(Kind kind, String reason, long resumeAfter) {

  public enum Kind {
    /** The client could not keep up: its queue or replay buffer overflowed. */
    SLOW,
    /** The hub is shutting down. */
    GOING_AWAY
  }

  /** How a going-away notice starts, on every transport. */
  public static final String GOING_AWAY_PREFIX = "going away:";

  public static Disconnect slow(long resumeAfter) {
    return new Disconnect(Kind.SLOW, "slow consumer: reconnect and resume after seq " + resumeAfter, resumeAfter);
  }

  public static Disconnect goingAway(long resumeAfter) {
    return new Disconnect(Kind.GOING_AWAY, GOING_AWAY_PREFIX + " resume after seq " + resumeAfter, resumeAfter);
  }
}
