package dev.hubbub.auth;

import dev.hubbub.protocol.Addresses;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@link RoomAccess} verdicts kept per room and identity, so a command asks the accounts verticle once
 * per room and identity instead of once per batch. Confined to the event loop of its owner (one per
 * sequencer shard, one in presence): no locks.
 *
 * <p>Invalidation: {@link Addresses#ACCESS_CHANGED} drops the room's verdicts; {@link Addresses#ACCOUNT_DELETED}
 * and {@link Addresses#ACCOUNT_CREATED} drop them all (a deleted account takes memberships and room ownership with
 * it; a new one makes its name, and look-alikes, forbidden for guests). A verdict asked for before an
 * invalidation and answered after it is used once but not kept, so a change is never masked by a reply in flight.
 * Bounded: past {@code rooms} rooms the least recently used room's verdicts go.
 */
public final class AccessCache {

  /** Verdicts kept per room; past this the room's map starts over (a crowd of identities in one room). */
  private static final int PER_ROOM = 4096;

  private final EventBus bus;
  private final LinkedHashMap<String, Map<String, RoomAccess.Verdict>> rooms;
  /** Bumped by every invalidation; a reply is kept only if none happened while it was awaited. */
  private long generation;

  public AccessCache(EventBus bus, int maxRooms) {
    this.bus = bus;
    this.rooms = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Map<String, RoomAccess.Verdict>> eldest) {
        return size() > maxRooms;
      }
    };
  }

  /** Registers the invalidation consumers on the caller's context. */
  public Future<?> start() {
    return Future.all(
        bus.<JsonObject>consumer(Addresses.ACCESS_CHANGED, msg -> forgetRoom(msg.body().getString("room"))).completion(),
        bus.<JsonObject>consumer(Addresses.ACCOUNT_DELETED, msg -> forgetAll()).completion(),
        bus.<JsonObject>consumer(Addresses.ACCOUNT_CREATED, msg -> forgetAll()).completion());
  }

  /** As {@link RoomAccess#check}, from the cache when it can; {@code claim} is part of the key (a claim acts once). */
  public Future<RoomAccess.Verdict> check(String room, Identity who, boolean claim) {
    String key = key(who, claim);
    Map<String, RoomAccess.Verdict> known = rooms.get(room);
    RoomAccess.Verdict verdict = known == null ? null : known.get(key);
    if (verdict != null) {
      return Future.succeededFuture(verdict);
    }
    long asked = generation;
    return RoomAccess.check(bus, room, who, claim).onSuccess(found -> {
      if (asked == generation) {
        Map<String, RoomAccess.Verdict> map = rooms.computeIfAbsent(room, r -> new HashMap<>());
        if (map.size() >= PER_ROOM) {
          map.clear();
        }
        map.put(key, found);
      }
    });
  }

  /** Completes when {@code who} may read {@code room}; fails with the refusal otherwise. */
  public Future<RoomAccess.Verdict> requireRead(String room, Identity who) {
    return check(room, who, false).compose(RoomAccess.Verdict::requireRead);
  }

  void forgetRoom(String room) {
    generation++;
    if (room != null) {
      rooms.remove(room);
    }
  }

  void forgetAll() {
    generation++;
    rooms.clear();
  }

  private static String key(Identity who, boolean claim) {
    return (who.guest() ? "g" : "u") + (claim ? "c" : "r") + who.username() + '\u0000' + who.account() + '\u0000' + who.roles();
  }
}
