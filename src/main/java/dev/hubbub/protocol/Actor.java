package dev.hubbub.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * Who a command acts for, as the bridge that sent it verified: the identity fields the core trusts and
 * nothing else a client says ({@code dev.hubbub.auth.Identity} converts to and from it). On the wire they
 * are the command's {@code username}, {@code guest}, {@code roles} and {@code account} fields.
 *
 * @param username the name events carry; null for a guest who only reads and has given no name
 * @param guest    true when nobody proved the name (no token)
 * @param roles    e.g. {@code admin}; always empty for guests
 * @param account  the account's immutable id; null for guests
 */
public record Actor(String username, boolean guest, List<String> roles, String account) {

  public static final String USERNAME = "username";
  public static final String GUEST = "guest";
  public static final String ROLES = "roles";
  public static final String ACCOUNT = "account";

  public Actor {
    roles = List.copyOf(roles);
    account = guest ? null : account;
  }

  /**
   * The actor a bridge put on {@code command}. A command that does not say {@code guest: false} is a
   * guest's, so a bridge that sets nothing grants the least. The name is validated (and normalised) only
   * when present; {@link #requireName} insists on one.
   */
  public static Actor of(JsonObject command) {
    boolean guest = !Boolean.FALSE.equals(command.getValue(GUEST));
    String name = command.getValue(USERNAME) == null ? null : Rules.username(command);
    List<String> roles = new ArrayList<>();
    if (!guest && command.getValue(ROLES) instanceof JsonArray array) {
      array.forEach(r -> {
        if (r instanceof String role) {
          roles.add(role);
        }
      });
    }
    String account = !guest && command.getValue(ACCOUNT) instanceof String id ? id : null;
    return new Actor(name, guest, roles, account);
  }

  /**
   * Puts this actor on a command: {@code username} (when known), {@code guest}, {@code roles} and
   * {@code account} (registered users only); whatever the command said of these before is replaced.
   */
  public JsonObject into(JsonObject command) {
    if (username != null) {
      command.put(USERNAME, username);
    } else {
      command.remove(USERNAME);
    }
    if (account != null) {
      command.put(ACCOUNT, account);
    } else {
      command.remove(ACCOUNT);
    }
    return command.put(GUEST, guest).put(ROLES, new JsonArray(new ArrayList<>(roles)));
  }

  /** The name for a command that writes or joins; a missing one is a 400. */
  public String requireName() {
    if (username == null) {
      throw Failure.badRequest("missing field 'username'");
    }
    return username;
  }

  /** This actor with its name checked as the core checks a command's (normalised); a missing one is a 400. */
  Actor named() {
    String name = Rules.username(requireName());
    return name.equals(username) ? this : new Actor(name, guest, roles, account);
  }
}
