package dev.hubbub.auth;

import dev.hubbub.config.HubConfig;
import dev.hubbub.protocol.Actor;
import dev.hubbub.protocol.Failure;
import dev.hubbub.protocol.Names;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * Who a core command acts for. A bridge sets it on every command from what it verified (a token) or, for
 * a guest, from the name the client asked for; the core trusts these fields and nothing else a client sends.
 *
 * @param username  the name events carry; null for a guest who only reads and has given no name
 * @param guest     true when nobody proved the name (no token)
 * @param roles     e.g. {@code admin}; always empty for guests
 * @param expiresAt when the token behind it expires, ms since the epoch; 0 for guests
 * @param account   the account's immutable id; null for guests. What an account wrote is its by this id, not
 *                  by its name, which a later account may hold
 */
public record Identity(String username, boolean guest, List<String> roles, long expiresAt, String account) {

  /**
   * The hub itself reading a room to fill a feed's gap or re-announce a moved roster: it reads every room,
   * members-only ones too, as each fan-out still filters its own sessions.
   */
  public static final Identity BACKFILL = user("hubbub-backfill", null, List.of("admin"), 0);


  public static final String USERNAME = Actor.USERNAME;
  public static final String GUEST = Actor.GUEST;
  public static final String ROLES = Actor.ROLES;
  public static final String ACCOUNT = Actor.ACCOUNT;

  public Identity {
    roles = List.copyOf(roles);
    account = guest ? null : account;
  }

  /** A guest under {@code name}, or an anonymous reader when {@code name} is null. */
  public static Identity guest(String name) {
    return new Identity(name, true, List.of(), 0, null);
  }

  public static Identity user(String name, String account, List<String> roles, long expiresAt) {
    return new Identity(name, false, roles, expiresAt, account);
  }

  public boolean admin() {
    return !guest && roles.contains(HubConfig.Auth.ADMIN);
  }

  /** This guest under another name; a registered user keeps theirs. */
  public Identity named(String name) {
    return guest ? guest(name) : this;
  }

  /**
   * Puts this identity on a core command: {@code username} (when known), {@code guest}, {@code roles} and
   * {@code account} (registered users only); whatever the command said of these before is replaced.
   */
  public JsonObject into(JsonObject command) {
    return actor().into(command);
  }

  /**
   * The identity a bridge put on {@code command}. A command that does not say {@code guest: false} is a
   * guest's, so a bridge that sets nothing grants the least. The name is validated only when present;
   * {@link #requireName} insists on one.
   */
  public static Identity of(JsonObject command) {
    return of(Actor.of(command));
  }

  /** Who acts, as a typed command carries it (the expiry is the bridge's business, not the core's). */
  public Actor actor() {
    return new Actor(username, guest, roles, account);
  }

  /** The identity a typed command acts for; its expiry is unknown (0), as for {@link #of(JsonObject)}. */
  public static Identity of(Actor actor) {
    return new Identity(actor.username(), actor.guest(), actor.roles(), 0, actor.account());
  }

  /** The name for a command that writes or joins; a missing one is a 400. */
  public String requireName() {
    if (username == null) {
      throw Failure.badRequest("missing field 'username'");
    }
    return username;
  }

  /** The key {@code who}'s message rate is counted under, or null when it is not known (yet). */
  public static String rateKey(Identity who) {
    if (who == null || who.username() == null) {
      return null;
    }
    return (who.guest() ? "guest:" : "user:") + Names.key(who.username());
  }
}
