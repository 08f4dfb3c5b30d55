package dev.hubbub.auth;

import dev.hubbub.config.HubConfig;
import dev.hubbub.protocol.Addresses;
import dev.hubbub.protocol.Failure;
import dev.hubbub.protocol.Names;
import dev.hubbub.protocol.Rules;
import dev.hubbub.store.AccountStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Owns accounts and room access: registration, login (with its rate limits), the user lookups that tokens
 * are checked against, and the {@link RoomPolicy} of each room. Deployed as a single instance, so its
 * caches are confined to one event loop and stay coherent with the database, which only it writes.
 * Passwords are hashed on a worker, one at a time, and are never logged or sent anywhere.
 */
public class AccountsVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(AccountsVerticle.class);

  static final int MIN_PASSWORD = 8;
  static final int MAX_PASSWORD = 128;
  static final int MAX_MEMBERS = 1000;
  private static final int CACHE_SIZE = 10_000;

  /** The database the hub opened (and migrated) once; the hub closes it. */
  private final Pool pool;
  private HubConfig.Auth config;
  private AccountStore store;
  private Passwords passwords;
  private LoginThrottle throttle;
  /** name key → the user as lookups answer it ({username, roles}), or null for "no such user". */
  private final Map<String, JsonObject> users = lru();
  /** skeleton → the registered name with it, or null for none ({@link Names#skeleton}). */
  private final Map<String, String> lookAlikes = lru();
  private RoomClaims claims;
  private final Map<String, RoomPolicy> policies = lru();
  /** Policy loads in flight, so concurrent requests for one room share one read. */
  private final Map<String, Future<RoomPolicy>> loading = new HashMap<>();
  /** Bumped whenever cached policies are dropped; a load that started before must not cache its answer. */
  private long policyGeneration;

  public AccountsVerticle(Pool pool) {
    this.pool = pool;
  }

  @Override
  public Future<?> start() {
    HubConfig hub = HubConfig.from(config());
    config = hub.auth();
    throttle = new LoginThrottle(config.maxFailedLogins(), config.maxFailedLoginsPerAddress(), config.failedLoginWindowSeconds() * 1000L);
    passwords = new Passwords(config.passwordIterations());
    // ICU's confusables data takes a while to load: on a worker, and not awaited, so the hub listens sooner.
    vertx.executeBlocking(() -> {
      Names.warmUp();
      return null;
    }, false).onFailure(e -> log.warn("could not load ICU's confusables data: {}", e.toString()));
    store = new AccountStore(pool);
    claims = new RoomClaims(vertx.eventBus(), lru());
    return store.fillSkeletons()
        .compose(clashes -> {
          if (clashes > 0) {
            log.warn("{} registered names look like other registered names; their look-alikes are still refused", clashes);
          }
          EventBus bus = vertx.eventBus();
          // Local consumers: each node's accounts verticle answers its own node from the shared database. Clustered,
          // a request would go round-robin to any node, a dead one's too until the cluster purges its consumers, and be
          // lost there (a 30 s timeout: a re-join after a node loss, for one, needs an access check).
          return Future.all(List.of(
              bus.<JsonObject>localConsumer(Addresses.REGISTER, msg -> answer(msg, this::register)).completion(),
              bus.<JsonObject>localConsumer(Addresses.LOGIN, msg -> answer(msg, this::login)).completion(),
              bus.<JsonObject>localConsumer(Addresses.USER, msg -> answer(msg, this::user)).completion(),
              bus.<JsonObject>localConsumer(Addresses.DELETE_USER, msg -> answer(msg, this::deleteUser)).completion(),
              bus.<JsonObject>localConsumer(Addresses.ACCESS, msg -> answer(msg, this::access)).completion(),
              bus.<JsonObject>localConsumer(Addresses.ROOM_ACCESS, msg -> answer(msg, this::roomAccess)).completion(),
              bus.<JsonObject>localConsumer(Addresses.SET_ROOM_ACCESS, msg -> answer(msg, this::setRoomAccess)).completion(),
              // Changes made through another node's accounts verticle (these are published cluster-wide):
              // this node's caches must not answer from what was true before.
              bus.<JsonObject>consumer(Addresses.ACCESS_CHANGED, msg -> forgetPolicies(msg.body().getString("room"))).completion(),
              bus.<JsonObject>consumer(Addresses.ACCOUNT_DELETED, msg -> forgetAccounts()).completion(),
              bus.<JsonObject>consumer(Addresses.ACCOUNT_CREATED, msg -> forgetNames()).completion()));
        });
  }

  // ---- accounts ----

  private Future<JsonObject> register(JsonObject body) {
    String username = Rules.username(body);
    String password = password(body);
    return vertx.executeBlocking(() -> passwords.hash(password), true)
        .compose(hash -> store.insertUser(username, hash))
        .compose(created -> {
          if (created == AccountStore.Insert.TAKEN) {
            return Future.failedFuture(Failure.conflict("username '" + username + "' is taken"));
          }
          if (created == AccountStore.Insert.LOOK_ALIKE) {
            return Future.failedFuture(Failure.conflict("username '" + username + "' looks like a registered name: pick another"));
          }
          users.remove(Names.key(username));
          lookAlikes.remove(Names.skeleton(username));
          vertx.eventBus().publish(Addresses.ACCOUNT_CREATED, new JsonObject().put("username", username));
          return user(new JsonObject().put("username", username));
        });
  }

  private Future<JsonObject> login(JsonObject body) {
    String username = Rules.string(body, "username");
    String password = Rules.string(body, "password");
    String address = body.getValue("address") instanceof String a ? a : null;
    String key = Names.key(username);
    long now = System.currentTimeMillis();
    long wait = throttle.retryAfterMs(key, address, now);
    if (wait > 0) {
      return Future.failedFuture(new Failure.Rejected(Failure.TOO_MANY,
          "too many failed logins: try again in " + Math.max(1, wait / 1000) + " s"));
    }
    if (username.length() > 4 * Rules.MAX_USERNAME || password.length() > MAX_PASSWORD) {
      throttle.failed(key, address, now);
      return Future.failedFuture(Failure.unauthorized("wrong username or password"));
    }
    return store.user(username)
        .compose(stored -> vertx.executeBlocking(() -> passwords.verify(stored == null ? null : stored.passwordHash(), password), true)
            .compose(ok -> {
              if (!ok) {
                throttle.failed(key, address, System.currentTimeMillis());
                return Future.failedFuture(Failure.unauthorized("wrong username or password"));
              }
              throttle.succeeded(key);
              return Future.succeededFuture(view(stored));
            }));
  }

  /** The user as tokens are checked against: their stored name and current roles; 404 when there is none. */
  private Future<JsonObject> user(JsonObject body) {
    return lookUp(Rules.string(body, "username"))
        .compose(user -> user == null ? Future.failedFuture(Failure.notFound("no such user")) : Future.succeededFuture(user.copy()));
  }

  private Future<JsonObject> lookUp(String username) {
    String key = Names.key(username);
    if (users.containsKey(key)) {
      return Future.succeededFuture(users.get(key));
    }
    return store.user(username).map(stored -> {
      JsonObject view = stored == null ? null : view(stored);
      users.put(key, view);
      return view;
    });
  }

  /**
   * Deletes the account, then publishes {@link Addresses#ACCOUNT_DELETED} so every bridge cuts its open
   * connections at once (they verified the user when they opened, and would otherwise go on until expiry).
   */
  private Future<JsonObject> deleteUser(JsonObject body) {
    String username = Rules.string(body, "username");
    return store.deleteUser(username).compose(deleted -> {
      forgetAccounts(); // memberships went with the user, and their rooms lost their creator
      if (!deleted) {
        return Future.failedFuture(Failure.notFound("no such user"));
      }
      vertx.eventBus().publish(Addresses.ACCOUNT_DELETED, new JsonObject().put("username", username));
      return Future.succeededFuture(new JsonObject().put("deleted", true));
    });
  }

  /** The registered name {@code name} could be taken for (itself included), or null; one indexed lookup, cached. */
  private Future<String> lookAlike(String name) {
    String skeleton = Names.skeleton(name);
    if (lookAlikes.containsKey(skeleton)) {
      return Future.succeededFuture(lookAlikes.get(skeleton));
    }
    return store.lookAlike(name).onSuccess(found -> lookAlikes.put(skeleton, found));
  }

  /**
   * {@code {username, roles, account, createdAt}}: roles stored with the user plus {@code admin} for the names
   * in {@code auth.admins}; {@code account} is the immutable id tokens carry.
   */
  private JsonObject view(AccountStore.User stored) {
    Set<String> roles = new LinkedHashSet<>(stored.roles());
    if (config.admins().stream().anyMatch(a -> Names.key(a).equals(Names.key(stored.username())))) {
      roles.add(HubConfig.Auth.ADMIN);
    }
    return new JsonObject().put("username", stored.username()).put("roles", new JsonArray(new ArrayList<>(roles)))
        .put("account", stored.id()).put("createdAt", stored.createdAt());
  }

  private static String password(JsonObject body) {
    String password = Rules.string(body, "password");
    if (password.length() < MIN_PASSWORD || password.length() > MAX_PASSWORD) {
      throw Failure.badRequest("password must be " + MIN_PASSWORD + "-" + MAX_PASSWORD + " characters");
    }
    return password;
  }

  // ---- room access ----

  private Future<JsonObject> access(JsonObject body) {
    String room = Rules.room(body);
    Identity who = Identity.of(body);
    boolean claim = Boolean.TRUE.equals(body.getValue("claim")) && !who.guest() && who.username() != null;
    Future<RoomPolicy> policy = policy(room).compose(p -> claim && !p.owned()
        ? claims.othersPosted(room, who).compose(others -> others ? Future.succeededFuture(p) : claim(room, who.username()))
        : Future.succeededFuture(p));
    // A guest may not use a registered name, in any case or any look-alike form.
    Future<Boolean> nameTaken = who.guest() && who.username() != null
        ? lookUp(who.username()).compose(user -> user != null ? Future.succeededFuture(true) : lookAlike(who.username()).map(n -> n != null))
        : Future.succeededFuture(false);
    return Future.all(policy, nameTaken).map(v -> verdict(policy.result(), who, nameTaken.result()));
  }

  private JsonObject verdict(RoomPolicy policy, Identity who, boolean guestNameTaken) {
    JsonObject verdict = new JsonObject().put("room", policy.room()).put("private", policy.membersOnly());
    if (who.guest() && !config.guests()) {
      return refuse(verdict, false, Failure.UNAUTHORIZED, "log in first: this hub does not admit guests");
    }
    if (!policy.canRead(who)) {
      return refuse(verdict, false, Failure.FORBIDDEN, "room '" + policy.room() + "' is members-only");
    }
    if (guestNameTaken) {
      return refuse(verdict, true, Failure.FORBIDDEN, "username '" + who.username() + "' belongs to a registered user: log in to use it");
    }
    return verdict.put("read", true).put("write", policy.canWrite(who));
  }

  private static JsonObject refuse(JsonObject verdict, boolean read, int code, String reason) {
    return verdict.put("read", read).put("write", false).put("code", code).put("reason", reason);
  }

  private Future<JsonObject> roomAccess(JsonObject body) {
    String room = Rules.room(body);
    Identity who = Identity.of(body);
    return policy(room).compose(p -> p.canRead(who) && (config.guests() || !who.guest())
        ? Future.succeededFuture(p.toJson())
        : Future.failedFuture(Failure.forbidden("room '" + room + "' is members-only")));
  }

  private Future<JsonObject> setRoomAccess(JsonObject body) {
    String room = Rules.room(body);
    Identity who = Identity.of(body);
    if (who.guest() || who.username() == null) {
      throw Failure.unauthorized("log in to manage a room");
    }
    if (!(body.getValue("private") instanceof Boolean membersOnly)) {
      throw Failure.badRequest("field 'private' must be true or false");
    }
    List<String> members = members(body);
    String assigned = body.getValue("creator") == null ? null : Rules.username(new JsonObject().put("username", body.getValue("creator")));
    if (assigned != null && !who.admin()) {
      throw Failure.forbidden("only an admin may assign a room's creator");
    }
    return policy(room).compose(p -> {
      if (p.owned() && !p.canManage(who)) {
        return Future.failedFuture(Failure.forbidden("only the room's creator or an admin may change who is let in"));
      }
      // Claiming an unowned room this way must not lock people out of a room they have been using.
      Future<Boolean> others = p.owned() || who.admin() ? Future.succeededFuture(false) : claims.othersPosted(room, who);
      return others.compose(taken -> taken
          ? Future.failedFuture(Failure.forbidden("room '" + room + "' holds other people's messages: only an admin can assign it"))
          : registered(assigned == null ? members : concat(members, assigned)))
          .compose(v -> store.setAccess(room, assigned == null ? who.username() : assigned, assigned != null, membersOnly, members));
    }).map(stored -> {
      RoomPolicy changed = new RoomPolicy(room, stored.creator(), true, stored.membersOnly(), Set.copyOf(stored.members()));
      forgetPolicies(room);
      policies.put(room, changed);
      vertx.eventBus().publish(Addresses.ACCESS_CHANGED, changed.toJson());
      return changed.toJson();
    });
  }

  private static List<String> members(JsonObject body) {
    Object value = body.getValue("members");
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof JsonArray array) || array.size() > MAX_MEMBERS) {
      throw Failure.badRequest("members must be a list of at most " + MAX_MEMBERS + " usernames");
    }
    Set<String> names = new LinkedHashSet<>();
    for (Object name : array) {
      names.add(Rules.username(new JsonObject().put("username", name)));
    }
    return List.copyOf(names);
  }

  private Future<RoomPolicy> policy(String room) {
    RoomPolicy cached = policies.get(room);
    if (cached != null) {
      return Future.succeededFuture(cached);
    }
    Future<RoomPolicy> inFlight = loading.get(room);
    if (inFlight != null) {
      return inFlight;
    }
    // Registered before its completion handler, which may run at once: a load never outlives its answer.
    long asked = policyGeneration;
    Future<RoomPolicy> load = store.room(room)
        .map(stored -> stored == null ? RoomPolicy.open(room) : new RoomPolicy(room, stored.creator(), true, stored.membersOnly(), Set.copyOf(stored.members())));
    loading.put(room, load);
    load.onComplete(loaded -> {
      loading.remove(room, load);
      // A change of access or a deletion while this read was out makes its answer stale: don't cache it.
      if (loaded.succeeded() && asked == policyGeneration) {
        policies.putIfAbsent(room, loaded.result());
      }
    });
    return load;
  }

  /** Forgets every cached user, look-alike and policy: an account went, here or on another node. */
  private void forgetAccounts() {
    forgetNames();
    forgetPolicies(null);
  }

  /** Forgets the cached lookups of names ("no such user" among them): an account came or went. */
  private void forgetNames() {
    users.clear();
    lookAlikes.clear();
  }

  /** Forgets cached policies (all, or {@code room}'s) and the reads in flight that started before. */
  private void forgetPolicies(String room) {
    policyGeneration++;
    if (room == null) {
      policies.clear();
      loading.clear();
    } else {
      policies.remove(room);
      loading.remove(room);
    }
  }

  /** Fails with a 400 naming the first of {@code names} that is not a registered user. */
  private Future<Void> registered(List<String> names) {
    Future<Void> all = Future.succeededFuture();
    for (String name : names) {
      all = all.compose(v -> lookUp(name).compose(user -> user != null ? Future.<Void>succeededFuture()
          : Future.failedFuture(Failure.badRequest("no such user '" + name + "': members and creators must be registered"))));
    }
    return all;
  }

  private static List<String> concat(List<String> names, String name) {
    List<String> all = new ArrayList<>(names);
    all.add(name);
    return all;
  }

  /** Records {@code creator} as the owner of an unowned room; if someone was faster, theirs stands. */
  private Future<RoomPolicy> claim(String room, String creator) {
    long asked = policyGeneration;
    return store.claimRoom(room, creator).compose(claimed -> {
      if (claimed && asked == policyGeneration) {
        // Another command (a change of access right after the claim) may have cached a newer policy while
        // this insert's answer was on its way: never replace an owned policy with the fresh-claim default.
        RoomPolicy owned = policies.merge(room, new RoomPolicy(room, creator, true, false, Set.of()),
            (cached, claim) -> cached.owned() ? cached : claim);
        return Future.succeededFuture(owned);
      }
      // Someone was faster, or policies were dropped meanwhile (a deletion, say): read what is stored.
      forgetPolicies(room);
      return policy(room);
    });
  }

  /** Replies with the command's result; a refusal becomes a failed reply with its code. */
  private static void answer(Message<JsonObject> msg, Function<JsonObject, Future<JsonObject>> command) {
    Future<JsonObject> result;
    try {
      result = command.apply(msg.body() == null ? new JsonObject() : msg.body());
    } catch (RuntimeException e) {
      Failure.reply(msg, e);
      return;
    }
    result.onSuccess(msg::reply).onFailure(e -> Failure.reply(msg, e));
  }

  static <V> Map<String, V> lru() {
    return new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
        return size() > CACHE_SIZE;
      }
    };
  }
}
