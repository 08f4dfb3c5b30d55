package dev.hubbub.bridge;

import dev.hubbub.auth.Identity;
import dev.hubbub.auth.RoomPolicy;
import dev.hubbub.config.HubConfig;
import dev.hubbub.protocol.Addresses;
import dev.hubbub.protocol.FeedEvent;
import dev.hubbub.protocol.FeedEventCodec;
import dev.hubbub.protocol.Names;
import dev.hubbub.protocol.RoomEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The subscription engine of one bridge verticle (one per event loop), shared by every transport on it:
 * WebSocket, SSE, SockJS and TCP sessions all subscribe here. It owns
 * <ul>
 *   <li>room → subscriptions, with ONE event-bus consumer per room, registered for the first
 *       subscription and removed with the last; each event is handed to every subscription as the same
 *       typed {@link FeedEvent}, whose wire forms are built once per node;</li>
 *   <li>token expiry ({@link #atExpiry}), the same rule for every transport;</li>
 *   <li>revocation: when a room's access changes, every subscription whose reader may no longer read it
 *       is {@linkplain FeedSession#revoked revoked}; when an account is deleted, every connection that acts
 *       for it is told ({@link Member#accountDeleted}). One consumer each per engine, not per transport.</li>
 *   <li>the connections of each transport ({@link #connections}): each a {@link Client}, where who acts,
 *       tokens, rate, account deletion and connection counting are decided the same way for all.</li>
 * </ul>
 * Confined to the owning verticle's event loop: no locks.
 *
 * <p>Delivery to one session never affects another: a session whose delivery throws (typically a socket
 * closed but not yet removed) is stopped, aborted and removed, and the event still reaches every other
 * session of the room.
 */
public final class SessionEngine {

  private static final Logger log = LoggerFactory.getLogger(SessionEngine.class);

  /** A connection (or a transport's set of them), as far as account deletion goes. */
  public interface Member {
    /**
     * The account with {@link Names#key} {@code accountKey} was deleted: a connection that acts for
     * it is cut at once (told why), whatever its token's expiry.
     */
    void accountDeleted(String accountKey);
  }

  private final Vertx vertx;
  private final EventBus bus;
  private final FeedGaps gaps;
  private final Map<String, Room> rooms = new HashMap<>();
  private final Set<Member> members = new LinkedHashSet<>();

  private static final class Room {
    final Set<FeedSession> sessions = new LinkedHashSet<>();
    MessageConsumer<Object> consumer;
  }

  public SessionEngine(Vertx vertx) {
    this.vertx = vertx;
    this.bus = vertx.eventBus();
    this.gaps = FeedGaps.of(vertx);
    FeedEventCodec.register(bus);
    bus.<JsonObject>consumer(Addresses.ACCESS_CHANGED, msg -> accessChanged(RoomPolicy.fromJson(msg.body())));
    bus.<JsonObject>consumer(Addresses.ACCOUNT_DELETED, msg -> accountDeleted(msg.body().getString("username")));
  }

  /**
   * The connections of one transport on this engine ({@code transport}: a {@link dev.hubbub.stats.ConnectionReporter}
   * name), whose tokens {@code verifier} checks.
   */
  public <A extends Client.Transport> Connections<A> connections(String transport, Client.Verifier verifier, HubConfig config) {
    return new Connections<>(vertx, this, transport, verifier, config.auth().guests(), config.abuse());
  }

  /** Connections register while open, so that deleting their account reaches them. */
  public void enter(Member member) {
    members.add(member);
  }

  public void exit(Member member) {
    members.remove(member);
  }

  /**
   * Adds {@code session} to {@code room}. The future completes once the room's consumer is registered
   * (at once when it already was), so a command sent after it cannot produce an event we miss.
   */
  public Future<Void> subscribe(String room, FeedSession session) {
    Room r = rooms.get(room);
    if (r == null) {
      Room created = new Room();
      created.consumer = bus.consumer(Addresses.roomFeed(room), msg -> {
        FeedEvent event = typed(room, msg.body());
        if (event != null) {
          // FeedGaps keeps a clustered feed gap-free and ordered (a pass-through on a single hub).
          gaps.accept(room, event, (e, backfilled) -> fanOut(room, created, e));
        }
      });
      rooms.put(room, created);
      r = created;
    }
    r.sessions.add(session);
    return r.consumer.completion();
  }

  public void unsubscribe(String room, FeedSession session) {
    Room r = rooms.get(room);
    if (r != null && r.sessions.remove(session) && r.sessions.isEmpty()) {
      rooms.remove(room);
      r.consumer.unregister();
      gaps.forget(room);
    }
  }

  /** Local subscriptions per room, for metrics and tests. */
  public Map<String, Integer> counts() {
    Map<String, Integer> counts = new HashMap<>();
    rooms.forEach((room, r) -> counts.put(room, r.sessions.size()));
    return counts;
  }

  /** A room made members-only takes its feed away from every subscriber who is not a member. */
  void accessChanged(RoomPolicy policy) {
    Room r = rooms.get(policy.room());
    if (r == null) {
      return;
    }
    for (FeedSession session : r.sessions.toArray(new FeedSession[0])) {
      Identity reader = session.reader();
      if (reader != null && !policy.canRead(reader)) {
        unsubscribe(policy.room(), session);
        session.revoked("room '" + policy.room() + "' is now members-only");
      }
    }
  }

  void accountDeleted(String username) {
    if (username == null) {
      return;
    }
    String key = Names.key(username);
    for (Member member : members.toArray(new Member[0])) {
      member.accountDeleted(key);
    }
  }

  /**
   * Token expiry, the same rule on every transport: runs {@code expired} at {@code who}'s token expiry
   * (a reconnect with the expired token is refused). Returns the timer for {@link #cancelExpiry}, or -1
   * when {@code who} has no expiry (a guest).
   */
  public long atExpiry(Identity who, Runnable expired) {
    if (who == null || who.expiresAt() <= 0) {
      return -1;
    }
    return vertx.setTimer(Math.max(1, who.expiresAt() - System.currentTimeMillis()), t -> expired.run());
  }

  public void cancelExpiry(long timer) {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  /** Whether {@code identity} is the registered account with key {@code accountKey}. */
  public static boolean isAccount(Identity identity, String accountKey) {
    return identity != null && !identity.guest() && identity.username() != null
        && Names.key(identity.username()).equals(accountKey);
  }

  /** The core publishes typed events; JSON (a tool, a test, an older node) is typed here, anything else dropped. */
  private static FeedEvent typed(String room, Object body) {
    if (body instanceof FeedEvent event) {
      return event;
    }
    if (body instanceof JsonObject json) {
      try {
        return new FeedEvent(RoomEvent.fromJson(json));
      } catch (IllegalArgumentException e) {
        log.debug("dropping a malformed event on room {}: {}", room, e.getMessage());
      }
    }
    return null;
  }

  private void fanOut(String name, Room room, FeedEvent event) {
    // A snapshot: a delivery may close a slow session, which removes it from the set.
    for (FeedSession session : room.sessions.toArray(new FeedSession[0])) {
      try {
        session.deliver(event);
      } catch (RuntimeException e) {
        // Contained: this session is finished, the others still get the event.
        log.debug("delivery to a session of room {} failed, dropping it: {}", name, e.toString());
        unsubscribe(name, session);
        session.abort(e);
      }
    }
  }
}
