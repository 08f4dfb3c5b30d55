package dev.hubbub.cluster;

import dev.hubbub.auth.Identity;
import dev.hubbub.protocol.Addresses;
import dev.hubbub.protocol.Events;
import dev.hubbub.protocol.FeedEvent;
import dev.hubbub.protocol.RoomEvent;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When a room moves because its owner died, the roster died with it: the new owner only learns of the
 * survivors, who join again. So that the room still sees the dead node's members leave ({@code left}, then
 * the {@code roster}, as usual), each node remembers the last roster its subscribers received per room (an
 * inbound interceptor on the room feeds), sends it with its re-joins ({@link #BEFORE}), and the new owner,
 * once the re-joins have settled, publishes {@code left} for everyone in those rosters who is not present
 * now, then the roster.
 */
final class MovedRosters {

  /** Header on a re-join after the room's owner died: the JSON array of the room's last roster seen here. */
  static final String BEFORE = "hubbub-roster-before";
  /** How long the new owner waits for every survivor's re-joins before it says who left. */
  static final long SETTLE_MS = 2 * CommandRouter.SETTLE_MS;
  /** How long the names announced as left stay known: past every re-join's retries. */
  static final long ANNOUNCED_MS = 2 * CommandRouter.REJOIN_ATTEMPTS * CommandRouter.REJOIN_TIMEOUT_MS;

  private final Vertx vertx;
  private final Cluster cluster;
  private final EventBus bus;
  private final Handler<DeliveryContext<Object>> interceptor;
  /** Front door: the last roster delivered on this node, per room (written by every bridge's event loop). */
  private final Map<String, List<String>> lastSeen = new ConcurrentHashMap<>();
  /** Owner side: the names the survivors last saw in each moved room, until the room is checked. */
  private final Map<String, Set<String>> before = new HashMap<>();
  /** Owner side: names said to have left each moved room lately, so a re-join sent again does not say it twice. */
  private final Map<String, Set<String>> announced = new HashMap<>();

  MovedRosters(Vertx vertx, Cluster cluster) {
    this.vertx = vertx;
    this.cluster = cluster;
    this.bus = vertx.eventBus();
    this.interceptor = ctx -> {
      if (!ctx.send() && ctx.message().address().startsWith(Addresses.ROOM_FEED_PREFIX)) {
        Object body = ctx.message().body();
        if (body instanceof FeedEvent typed && typed.event() instanceof RoomEvent.Roster roster) {
          lastSeen.put(roster.room(), List.copyOf(roster.users()));
        } else if (body instanceof JsonObject event && Events.ROSTER.equals(event.getString("type"))) {
          JsonArray users = event.getJsonArray("users");
          String room = event.getString("room");
          if (users != null && room != null) {
            lastSeen.put(room, users.stream().map(String::valueOf).toList());
          }
        }
      }
      ctx.next();
    };
    bus.addInboundInterceptor(interceptor);
  }

  /** The header value for a re-join into {@code room}, or null when no roster was seen here. */
  String header(String room) {
    List<String> users = lastSeen.get(room);
    return users == null ? null : new JsonArray(users).encode();
  }

  /** This node has no session in {@code room} any more. */
  void forget(String room) {
    lastSeen.remove(room);
  }

  /** Owner side: a survivor joined {@code room} again and last saw {@code header}'s roster. */
  void rejoined(String room, String header) {
    Set<String> names;
    try {
      names = new LinkedHashSet<>(new JsonArray(header).stream().map(String::valueOf).toList());
    } catch (RuntimeException e) {
      return; // not ours to trust: a malformed header changes nothing
    }
    Set<String> known = before.get(room);
    if (known != null) {
      known.addAll(names);
      return;
    }
    before.put(room, names);
    vertx.setTimer(SETTLE_MS, id -> check(room));
  }

  private void check(String room) {
    Set<String> names = before.remove(room);
    if (names == null || !cluster.owners().ownedHere(room)) {
      return;
    }
    bus.<JsonObject>request(cluster.coreAddress(Addresses.ROSTER), Identity.BACKFILL.into(new JsonObject().put("room", room)),
        new DeliveryOptions().setLocalOnly(true)).onSuccess(reply -> {
          List<String> present = reply.body().getJsonArray("users", new JsonArray()).stream().map(String::valueOf).toList();
          names.removeAll(present);
          Set<String> done = announced.computeIfAbsent(room, r -> {
            vertx.setTimer(ANNOUNCED_MS, id -> announced.remove(room));
            return new HashSet<>();
          });
          names.removeAll(done);
          done.addAll(names);
          if (names.isEmpty()) {
            return;
          }
          names.forEach(name -> bus.publish(Addresses.roomFeed(room), Events.left(room, name)));
          bus.publish(Addresses.roomFeed(room), Events.roster(room, present));
        });
  }

  void remove() {
    bus.removeInboundInterceptor(interceptor);
  }
}
