package dev.hubbub.bridge;

import dev.hubbub.auth.Identity;
import dev.hubbub.metrics.HubMetrics;
import dev.hubbub.protocol.Disconnect;
import dev.hubbub.protocol.FeedEvent;
import dev.hubbub.protocol.RoomEvent;
import io.vertx.core.json.JsonObject;

import java.util.ArrayDeque;
import java.util.List;

/**
 * One client's subscription to one room feed, whatever the transport. It joins the feed before it asks
 * for history, so nothing published in between can be missed, and it drops what the replay already
 * covered by {@code seq}, so nothing is delivered twice (replay, then live, with no race).
 *
 * <ol>
 *   <li>{@code SUBSCRIBING}: the feed consumer is registered, the join or replay request is in flight;
 *       persisted events are buffered, presence events are dropped (they describe the room before us).</li>
 *   <li>{@code REPLAYING}: everything is buffered until {@link #replay} has written the history.</li>
 *   <li>{@code LIVE}: events are written as they arrive.</li>
 * </ol>
 * Both the buffer and the transport's write queue are bounded; past either the session is disconnected
 * as a slow consumer and the client resumes from history.
 *
 * <p>A session whose transport is closed (or closing) stops itself on the next delivery instead of
 * writing; a delivery that fails anyway is contained by the fan-out, which calls {@link #abort}.
 */
public abstract class FeedSession {

  private enum Phase { SUBSCRIBING, REPLAYING, LIVE, CLOSED }

  /** How many events may wait while history is being replayed. */
  static final int MAX_BUFFERED = 1000;
  /** How many presence events (joined, left, roster) may wait meanwhile; they are shared, so cheap to hold. */
  static final int MAX_PRESENCE_BUFFERED = 10_000;

  private Phase phase = Phase.SUBSCRIBING;
  /** Events held while subscribing or replaying; made on first use, so a live session holds none. */
  private ArrayDeque<FeedEvent> buffer;
  private int heldPresence;
  private long lastSeq;

  /** Writes one live event in the transport's format. */
  protected abstract void write(FeedEvent event);

  /**
   * Writes the replayed events in the transport's format (one history frame, or one record each), with
   * the history's {@code epoch} ({@code ""} while the room has none) for the client to resume with.
   */
  protected abstract void writeHistory(List<JsonObject> events, boolean truncated, String epoch);

  /** True when the transport's outbound queue is over its limit. */
  protected abstract boolean writeQueueFull();

  /**
   * Ends the session for {@code disconnect} (a slow consumer: the client should reconnect and resume
   * after {@link Disconnect#resumeAfter}); the session is already stopped.
   */
  protected abstract void close(Disconnect disconnect);

  /** Who reads the feed, for access checks; null while not known yet (a join in flight). */
  protected abstract Identity reader();

  /**
   * The reader may no longer read the room: the engine has already taken the session out of the room;
   * tell the client {@code reason} and release what the session holds.
   */
  protected abstract void revoked(String reason);

  /**
   * True once the transport is closed or closing, before its close handler may have run: nothing more
   * may be written. Must not throw.
   */
  protected abstract boolean transportClosed();

  /**
   * Writing to this session failed (the fan-out caught {@code cause}): release the transport and whatever
   * the session holds. Must not throw; the session is already stopped.
   */
  protected abstract void failed(Throwable cause);

  /** Stops the session and lets the transport clean up after a failed delivery. Never throws. */
  public final void abort(Throwable cause) {
    stop();
    try {
      failed(cause);
    } catch (RuntimeException e) {
      // Nothing more to do for a transport that cannot even close; it is out of the fan-out already.
    }
  }

  /** Start over for a new room: forget buffered events and the last seq seen. */
  public void subscribing(long since) {
    phase = Phase.SUBSCRIBING;
    buffer = null;
    heldPresence = 0;
    lastSeq = since;
  }

  /** The join was accepted: hold everything until the history is written. */
  public void replaying() {
    if (phase == Phase.SUBSCRIBING) {
      phase = Phase.REPLAYING;
    }
  }

  /** Writes the history, then everything that arrived meanwhile and was not part of it. */
  public void replay(List<JsonObject> events, boolean truncated, String epoch) {
    if (phase == Phase.CLOSED) {
      return;
    }
    if (transportClosed()) {
      stop();
      return;
    }
    if (truncated) {
      // The replay does not continue from `since` (it may even lie beyond the room's history): what was
      // written now is the baseline, or live events with a seq at or below `since` would be dropped.
      lastSeq = 0;
    }
    for (JsonObject event : events) {
      Long seq = event.getLong("seq");
      lastSeq = Math.max(lastSeq, seq == null ? 0 : seq);
    }
    writeHistory(events, truncated, epoch == null ? "" : epoch);
    phase = Phase.LIVE;
    while (buffer != null && !buffer.isEmpty() && phase == Phase.LIVE) {
      send(buffer.pollFirst());
    }
    buffer = null;
    heldPresence = 0;
  }

  /** Called by the fan-out for each event of the room. */
  public void deliver(FeedEvent event) {
    if (phase != Phase.CLOSED && transportClosed()) {
      stop(); // the close handler will clean up; never write to a closed socket
      return;
    }
    switch (phase) {
      case SUBSCRIBING -> {
        if (event.seq() > 0) {
          hold(event);
        }
      }
      case REPLAYING -> hold(event);
      case LIVE -> send(event);
      case CLOSED -> {
      }
    }
  }

  /** No more deliveries, e.g. after a leave or a disconnect. */
  public void stop() {
    phase = Phase.CLOSED;
    buffer = null;
    heldPresence = 0;
  }

  public boolean isLive() {
    return phase == Phase.LIVE;
  }

  public long lastSeq() {
    return lastSeq;
  }

  /**
   * Holds {@code event} until the replay is written. Only persisted events count against
   * {@link #MAX_BUFFERED}: a join storm brings a presence event per newcomer, and a session replaying
   * meanwhile must not be cut off for them. Those are bounded apart ({@link #MAX_PRESENCE_BUFFERED}), and a
   * roster, being the whole membership, replaces the rosters held before it.
   */
  private void hold(FeedEvent event) {
    if (buffer == null) {
      buffer = new ArrayDeque<>();
    }
    boolean presence = event.seq() == 0;
    if (presence && event.event() instanceof RoomEvent.Roster) {
      int before = buffer.size();
      buffer.removeIf(held -> held.event() instanceof RoomEvent.Roster);
      heldPresence -= before - buffer.size();
    }
    if (presence ? heldPresence >= MAX_PRESENCE_BUFFERED : buffer.size() - heldPresence >= MAX_BUFFERED) {
      slow();
      return;
    }
    buffer.addLast(event);
    if (presence) {
      heldPresence++;
    }
  }

  private void send(FeedEvent event) {
    long seq = event.seq();
    if (seq > 0 && seq <= lastSeq) {
      return; // already part of the replay
    }
    if (writeQueueFull()) {
      slow(); // before counting this event: the resume point must be the last one written
      return;
    }
    lastSeq = Math.max(lastSeq, seq);
    HubMetrics.get().delivered();
    write(event);
  }

  /** The slow-consumer rule, the same on every transport: stop, then close with the resume point. */
  private void slow() {
    Disconnect disconnect = Disconnect.slow(lastSeq);
    stop();
    HubMetrics.get().slowConsumer();
    close(disconnect);
  }

  /**
   * The hub is shutting down: stops the session and returns the notice for its client, with the same
   * resume point a slow-consumer disconnect gives (the last seq written to it).
   */
  public final Disconnect goingAway() {
    Disconnect disconnect = Disconnect.goingAway(lastSeq);
    stop();
    return disconnect;
  }
}
