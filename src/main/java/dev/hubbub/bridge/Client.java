package dev.hubbub.bridge;

import dev.hubbub.auth.Credentials;
import dev.hubbub.auth.Identity;
import dev.hubbub.limits.RateGate;
import dev.hubbub.protocol.Failure;
import dev.hubbub.protocol.Rules;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;

/**
 * One client connection, whatever carries it (a WebSocket, an event stream, a SockJS or TCP socket): the
 * rules every transport shares about who the client is and how long it may stay, written once.
 * <ul>
 *   <li><b>Who acts</b>: {@link #identity}, set by {@link #loggedIn} (a verified token), {@link #joiner} (a
 *       guest's name) or {@link #identify} (a token sent with a frame). A bad token is refused, never taken
 *       for a guest.</li>
 *   <li><b>Tokens</b>: the last token verified is remembered, so a client sending the same one with every
 *       frame costs one check until it expires; a logged-in connection ends at its token's expiry.</li>
 *   <li><b>Account deletion</b> ends a connection that acts (or reads) for the account, whatever the expiry.</li>
 *   <li><b>Rate</b>: {@link #admit} each inbound message against the connection's and the identity's rate.</li>
 *   <li><b>Silence</b>: {@link #expectWithin} ends a connection that does not say what it is in time.</li>
 *   <li><b>Counting</b>: it counts as open in its {@link Connections} until the hub ends it ({@link #closing})
 *       or its transport is gone ({@link #closed}), and holds its place under the connection caps until
 *       the latter; each is released exactly once.</li>
 * </ul>
 * The transport only maps an {@link Ending} to its own close code. Confined to the engine's event loop.
 */
public final class Client implements SessionEngine.Member {

  /** The adapter's side: how this transport tells its client. */
  public interface Transport {
    /** The hub ends the connection for {@code ending}: tell the client {@code reason}, then close. */
    void end(Ending ending, String reason);

    /** One inbound message was refused ({@code code} 429: over the rate); the connection stays open. */
    default void refused(int code, String message) {
    }

    /** Whether the connection also reads as the account {@code accountKey}, beyond its own identity. */
    default boolean readsAs(String accountKey) {
      return false;
    }
  }

  /** Verifies a token: {@code Authenticator::verify}, or a fake in tests. */
  public interface Verifier {
    /** The identity {@code credentials} prove, or a failed future (a {@link Failure.Rejected} 401 for a bad token). */
    Future<Identity> verify(Credentials credentials);
  }

  /** Why a rule of this class ends a connection; each transport maps it to its close code. */
  public enum Ending {
    /** The token expired, or its account was deleted (WebSocket 4401, bridge {@code err} 401, SSE {@code error}). */
    UNAUTHENTICATED,
    /** Kept sending while over the rate (WebSocket 1008, bridge {@code err} 429). */
    RATE_ABUSE,
    /** Did not say what it is in time (WebSocket 1008, TCP {@code err} 408). */
    SILENT
  }

  public static final String ACCOUNT_DELETED = "account deleted: log in again";

  private final Connections<?> connections;
  private final Transport transport;
  /** The address counted under the connection caps, or null when it holds no place there. */
  private SocketAddress place;
  private Identity identity;
  /** The token {@link #cached} was verified from. */
  private String cachedToken;
  private Identity cached;
  private RateGate rate;
  private long expiryTimer = -1;
  private long silenceTimer = -1;
  private boolean closed;

  Client(Connections<?> connections, Transport transport, SocketAddress place) {
    this.connections = connections;
    this.transport = transport;
    this.place = place;
  }

  /** Who this connection acts for: a verified user, a guest, or null before it has said. */
  public Identity identity() {
    return identity;
  }

  /** The address the connection comes from, when it holds a place under the caps; else null. */
  public SocketAddress address() {
    return place;
  }

  /** Whether the hub has ended this connection or its transport is gone; then nothing more is handled. */
  public boolean isClosed() {
    return closed;
  }

  /**
   * Verifies {@code credentials} to log the connection in: fails 401 for a bad token, 409 when the
   * connection is logged in as someone else already (a connection never switches users).
   */
  public Future<Identity> logIn(Credentials credentials) {
    return verify(credentials).compose(verified -> identity != null && !identity.guest() && !identity.username().equals(verified.username())
        ? Future.failedFuture(Failure.conflict("this connection is logged in as '" + identity.username() + "': reconnect to switch users"))
        : Future.succeededFuture(verified));
  }

  /**
   * The connection acts as {@code verified} from now on, and ends ({@link Ending#UNAUTHENTICATED}, told
   * {@code expiredReason}) at its token's expiry unless a fresh token logs it in again first.
   */
  public void loggedIn(Identity verified, String expiredReason) {
    identity = verified;
    heard();
    cancel(expiryTimer);
    expiryTimer = connections.engine.atExpiry(verified, () -> {
      expiryTimer = -1;
      end(Ending.UNAUTHENTICATED, expiredReason);
    });
  }

  /**
   * Who joins with {@code frame}: a logged-in user under their own name (the frame may omit it, or must
   * repeat it: else 403), else a guest under the name the frame gives (400 when it is no valid name).
   */
  public Identity joiner(JsonObject frame) {
    if (identity != null && !identity.guest()) {
      Object claimed = frame.getValue("username");
      if (claimed != null && !identity.username().equals(claimed)) {
        throw Failure.forbidden("you are logged in as '" + identity.username() + "': a join cannot claim another name");
      }
      return identity;
    }
    identity = Identity.guest(Rules.username(frame));
    return identity;
  }

  /**
   * Who one frame acts for: its own {@code credentials}, else those the connection opened with
   * ({@code handshake}), else a guest named {@code guestName} when guests are admitted, else a 401 saying
   * {@code loginHint}. A verified token becomes the connection's identity (for its rate and for account
   * deletion) but sets no expiry: each frame is checked on its own.
   */
  public Future<Identity> identify(Credentials credentials, Credentials handshake, Object guestName, String loginHint) {
    Credentials used = credentials != null ? credentials : handshake;
    if (used == null) {
      return connections.guests ? Future.succeededFuture(Identity.guest(guestName instanceof String name ? name : null))
          : Future.failedFuture(Failure.unauthorized(loginHint));
    }
    if (used.token().equals(cachedToken) && cached.expiresAt() > System.currentTimeMillis()) {
      return Future.succeededFuture(cached);
    }
    return verify(used).onSuccess(who -> identity = who);
  }

  /** Checks a token, and remembers it for {@link #identify}. */
  private Future<Identity> verify(Credentials credentials) {
    String token = credentials == null ? null : credentials.token();
    return connections.verifier.verify(credentials).onSuccess(who -> {
      cachedToken = token;
      cached = who;
    });
  }

  /**
   * Counts one inbound message against the connection's and its identity's rate: true when it may be
   * handled; false when it was {@linkplain Transport#refused refused} (429), or the connection ended for
   * refusing too many in a row ({@link Ending#RATE_ABUSE}).
   */
  public boolean admit() {
    if (rate == null) {
      rate = new RateGate(connections.limits, connections.settings, System.nanoTime());
    }
    switch (rate.message(Identity.rateKey(identity), System.nanoTime())) {
      case REFUSE -> {
        transport.refused(Failure.TOO_MANY, RateGate.REFUSED);
        return false;
      }
      case CLOSE -> {
        end(Ending.RATE_ABUSE, RateGate.CLOSED);
        return false;
      }
      default -> {
        return true;
      }
    }
  }

  /** Unless {@link #heard} (or logged in) within {@code seconds}, the connection ends ({@link Ending#SILENT}, told {@code reason}). */
  public void expectWithin(int seconds, String reason) {
    cancel(silenceTimer);
    silenceTimer = connections.vertx.setTimer(seconds * 1000L, t -> {
      silenceTimer = -1;
      end(Ending.SILENT, reason);
    });
  }

  /** The client said what it is: the {@link #expectWithin} deadline is off. */
  public void heard() {
    cancel(silenceTimer);
    silenceTimer = -1;
  }

  /** The account was deleted: a connection acting or reading for it ends at once, whatever its token's expiry. */
  @Override
  public void accountDeleted(String accountKey) {
    if (!closed && (SessionEngine.isAccount(identity, accountKey) || transport.readsAs(accountKey))) {
      cachedToken = null;
      cached = null;
      end(Ending.UNAUTHENTICATED, ACCOUNT_DELETED);
    }
  }

  /** Ends the connection under one of these rules, once: the transport tells the client and closes. */
  public void end(Ending ending, String reason) {
    if (!closed) {
      transport.end(ending, reason);
    }
  }

  /**
   * The hub is ending the connection (or it is gone): its timers stop, nothing more is handled, and it no
   * longer counts as open (its place under the caps is held until {@link #closed}: the socket is still
   * there). Returns false when it was closing already.
   */
  public boolean closing() {
    if (closed) {
      return false;
    }
    closed = true;
    cancel(expiryTimer);
    heard();
    expiryTimer = -1;
    connections.ended(this, transport);
    return true;
  }

  /** The transport is gone: {@link #closing}, and the connection's place under the caps is released, once. */
  public void closed() {
    closing();
    if (place != null) {
      connections.release(place);
      place = null;
    }
  }

  private void cancel(long timer) {
    if (timer >= 0) {
      connections.vertx.cancelTimer(timer);
    }
  }
}
