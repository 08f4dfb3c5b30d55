package dev.hubbub.cluster;

import dev.hubbub.protocol.Addresses;
import dev.hubbub.protocol.Failure;
import dev.hubbub.protocol.Rules;
import dev.hubbub.protocol.WriteCommand;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Sends each room's commands to the node that owns the room, one instance per clustered node.
 *
 * <p><b>Front door</b> (this node's bridges and bus clients): a local consumer on each public per-room
 * address ({@link Addresses#CHAT}, EDIT, DELETE, JOIN, SUBSCRIBE, LEAVE, ROSTER) forwards the command, headers and
 * all, to {@code hubbub.node.<owner>.<address>} and relays the answer, failure code included. A command
 * without a valid room goes to this node's core, which refuses it as a single hub would. {@link Addresses#ROOMS}
 * asks every member and keeps each room from its owner.
 *
 * <p><b>Owner side</b>: {@code hubbub.node.<me>.<address>} hands the command to this node's core
 * ({@link Cluster#serve}). JOINs (and SUBSCRIBEs that join) carry their origin node ({@link #ORIGIN}), so
 * the owner knows which members to drop when a node dies; the front door keeps each as the plain JOIN
 * it re-makes at a room's new owner, so a move re-joins its members without replaying their history.
 *
 * <p><b>Membership changes</b> (after {@link #SETTLE_MS}, so every node's view has caught up): the owner
 * side makes the sessions of dead nodes leave (rosters heal with the usual {@code left} and {@code roster}
 * events) and forgets the sessions of rooms it no longer owns (their presence events are fenced, see
 * {@link PresenceFence}); the front door joins its own sessions again at each moved room's new owner, so a
 * roster stays whole across a move ({@link MovedRosters} makes the dead owner's other members leave). Once
 * its consumers are registered the router marks this node ready ({@link Cluster#markReady}): only then does
 * it own rooms. Confined to its event loop.
 */
public class CommandRouter extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(CommandRouter.class);

  /** Header on a forwarded command: the node whose client sent it. */
  public static final String ORIGIN = "hubbub-origin";
  static final List<String> ROOM_COMMANDS = List.of(Addresses.CHAT, Addresses.EDIT, Addresses.DELETE, Addresses.JOIN,
      Addresses.SUBSCRIBE, Addresses.LEAVE, Addresses.ROSTER);
  /** The fields of a {@link Addresses#SUBSCRIBE} that a plain re-join leaves out: after a move the member joins again, the history stays. */
  private static final List<String> SUBSCRIBE_ONLY = List.of("join", "since", "epoch", "limit");
  static final long SETTLE_MS = 500;
  static final long ROOMS_TIMEOUT_MS = 3000;
  /** A re-join unanswered this long is sent again (a lost one would leave its member out of the roster). */
  static final long REJOIN_TIMEOUT_MS = 5000;
  static final int REJOIN_ATTEMPTS = 5;

  private record Membership(String room, String session) {
  }

  /** A JOIN this node's clients made, and the owner it went to. */
  private record Joined(JsonObject command, String owner) {
  }

  private Cluster cluster;
  private EventBus bus;
  private PresenceFence fence;
  private MovedRosters movedRosters;
  /** Front door: this node's sessions in each room. */
  private final Map<Membership, Joined> joinedHere = new HashMap<>();
  /** Owner side: the origin node of each session present in a room owned here. */
  private final Map<Membership, String> origins = new HashMap<>();
  /** Front door: commands waiting for an answer from each other node. */
  private final Map<String, Set<InFlight>> inFlight = new HashMap<>();

  @Override
  public Future<?> start() {
    cluster = Cluster.of(vertx).orElseThrow(() -> new IllegalStateException("CommandRouter needs a clustered Vert.x"));
    bus = vertx.eventBus();
    fence = PresenceFence.install(vertx, cluster);
    movedRosters = new MovedRosters(vertx, cluster);
    String me = cluster.nodeId();
    List<Future<?>> registered = new ArrayList<>();
    for (String command : ROOM_COMMANDS) {
      registered.add(bus.<Object>localConsumer(command, msg -> route(command, msg, true)).completion());
      registered.add(bus.<Object>consumer(Cluster.nodeAddress(me, command), msg -> serve(command, msg)).completion());
    }
    registered.add(bus.<Object>localConsumer(Addresses.ROOMS, this::rooms).completion());
    registered.add(bus.<Object>consumer(Cluster.nodeAddress(me, Addresses.ROOMS), msg -> serve(Addresses.ROOMS, msg)).completion());
    cluster.onChange(() -> context.runOnContext(v -> vertx.setTimer(SETTLE_MS, id -> membershipChanged())));
    return Future.all(registered).onSuccess(v -> cluster.markReady());
  }

  @Override
  public Future<?> stop() {
    fence.remove();
    movedRosters.remove();
    return Future.succeededFuture();
  }

  /** A command forwarded to another node and not answered yet: failed at once if that node leaves. */
  private static final class InFlight {
    final Message<Object> msg;
    boolean answered;

    InFlight(Message<Object> msg) {
      this.msg = msg;
    }
  }

  private void route(String command, Message<Object> msg, boolean retry) {
    // A write may be a typed command (it crosses to the owner node as its JSON body); presence commands are JSON.
    String room = WriteCommand.roomOf(msg.body());
    if (room == null || !Rules.isRoom(room)) {
      forward(Cluster.coreAddress(cluster.nodeId(), command), msg, reply -> relay(msg, reply));
      return;
    }
    JsonObject body = msg.body() instanceof JsonObject json ? json : null;
    String seen = cluster.owners().owner(room);
    String owner = seen == null ? cluster.nodeId() : seen; // null: not ready yet, nobody owns rooms in this view
    Membership membership = new Membership(room, body == null ? null : body.getString("session"));
    if (Addresses.LEAVE.equals(command) && joinedHere.remove(membership) != null
        && joinedHere.keySet().stream().noneMatch(m -> m.room().equals(room))) {
      movedRosters.forget(room);
    }
    InFlight pending = new InFlight(msg);
    inFlight.computeIfAbsent(owner, o -> new HashSet<>()).add(pending);
    forward(Cluster.nodeAddress(owner, command), msg, reply -> {
      Set<InFlight> toOwner = inFlight.get(owner);
      if (toOwner != null && toOwner.remove(pending) && toOwner.isEmpty()) {
        inFlight.remove(owner);
      }
      if (pending.answered) {
        return; // already failed when its node left
      }
      if (retry && reply.failed() && reply.cause() instanceof ReplyException e && e.failureType() == ReplyFailure.NO_HANDLERS) {
        // The owner left between our view and the send: once more, with the owner we see now.
        vertx.setTimer(SETTLE_MS, id -> route(command, msg, false));
        return;
      }
      if (reply.succeeded() && joins(command, body) && membership.session() != null) {
        Joined joined = new Joined(asJoin(body), owner);
        joinedHere.put(membership, joined);
        String now = cluster.owners().owner(room);
        if (now != null && !now.equals(owner)) {
          // The members changed while this join was on its way, and that change was handled before it was answered:
          // join again where the room is now, and make the owner it reached forget it.
          boolean alive = cluster.members().contains(owner);
          joinedHere.put(membership, rejoin(membership, joined, now, alive ? null : movedRosters.header(room)));
          if (alive) {
            bus.request(Cluster.nodeAddress(owner, Addresses.LEAVE), new JsonObject().put("room", room).put("session",
                membership.session()), new DeliveryOptions().addHeader(ORIGIN, cluster.nodeId()));
          }
        }
      }
      relay(msg, reply);
    });
  }

  private void serve(String command, Message<Object> msg) {
    forward(Cluster.coreAddress(cluster.nodeId(), command), msg, reply -> {
      if (msg.body() instanceof JsonObject body && body.getString("session") != null) {
        Membership membership = new Membership(body.getString("room"), body.getString("session"));
        String origin = msg.headers().get(ORIGIN);
        if (joins(command, body) && reply.succeeded() && origin != null) {
          origins.put(membership, origin);
          String before = msg.headers().get(MovedRosters.BEFORE);
          if (before != null) {
            movedRosters.rejoined(membership.room(), before);
          }
        } else if (Addresses.LEAVE.equals(command)) {
          origins.remove(membership);
        }
      }
      relay(msg, reply);
    });
  }

  /** Whether {@code command} joins its session to the room: a JOIN, or a SUBSCRIBE with {@code join: true}. */
  static boolean joins(String command, JsonObject body) {
    return Addresses.JOIN.equals(command) || Addresses.SUBSCRIBE.equals(command) && Boolean.TRUE.equals(body.getValue("join"));
  }

  /** The JOIN that makes the same member again ({@link #rejoin}): a subscribe's history fields left out. */
  static JsonObject asJoin(JsonObject body) {
    JsonObject join = body.copy();
    SUBSCRIBE_ONLY.forEach(join::remove);
    return join;
  }

  private void forward(String address, Message<Object> msg, io.vertx.core.Handler<AsyncResult<Message<Object>>> then) {
    DeliveryOptions options = new DeliveryOptions().setHeaders(MultiMap.caseInsensitiveMultiMap().addAll(msg.headers()));
    if (msg.headers().get(ORIGIN) == null) {
      options.addHeader(ORIGIN, cluster.nodeId());
    }
    bus.request(address, msg.body(), options).onComplete(then);
  }

  private static void relay(Message<Object> msg, AsyncResult<Message<Object>> reply) {
    if (reply.succeeded()) {
      msg.reply(reply.result().body(), new DeliveryOptions().setHeaders(reply.result().headers()));
    } else if (reply.cause() instanceof ReplyException e && e.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
      msg.fail(e.failureCode(), e.getMessage());
    } else {
      // Lost on the way or unanswered: the owner may have stored it, so a retry should carry its cid.
      msg.fail(Failure.UNAVAILABLE, "the room's node did not answer: try again (a repeated cid is not stored twice)");
    }
  }

  /** Every member's occupied rooms, each room as its owner sees it. */
  private void rooms(Message<Object> msg) {
    List<String> members = cluster.members();
    List<Future<Message<JsonObject>>> answers = new ArrayList<>();
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(ROOMS_TIMEOUT_MS);
    for (String member : members) {
      answers.add(bus.request(Cluster.nodeAddress(member, Addresses.ROOMS), new JsonObject(), options));
    }
    Future.join(answers).onComplete(done -> {
      List<JsonObject> rooms = new ArrayList<>();
      for (int i = 0; i < members.size(); i++) {
        Future<Message<JsonObject>> answer = answers.get(i);
        if (answer.failed()) {
          continue; // a member that does not answer now is left out rather than failing the list
        }
        for (Object entry : answer.result().body().getJsonArray("rooms", new JsonArray())) {
          JsonObject room = (JsonObject) entry;
          if (members.get(i).equals(cluster.owners().owner(room.getString("room")))) {
            rooms.add(room);
          }
        }
      }
      rooms.sort(Comparator.comparing(r -> r.getString("room")));
      msg.reply(new JsonObject().put("rooms", new JsonArray(new ArrayList<>(rooms))));
    });
  }

  private void membershipChanged() {
    Set<String> members = new HashSet<>(cluster.members());
    String me = cluster.nodeId();
    inFlight.entrySet().removeIf(entry -> {
      if (members.contains(entry.getKey())) {
        return false;
      }
      // Its node died: the command may or may not be stored, so the client resends it (with its cid).
      entry.getValue().forEach(p -> {
        p.answered = true;
        p.msg.fail(Failure.UNAVAILABLE, "the room's node left the cluster: try again (a repeated cid is not stored twice)");
      });
      return true;
    });
    origins.entrySet().removeIf(entry -> {
      Membership m = entry.getKey();
      boolean originGone = !members.contains(entry.getValue());
      if (!originGone && cluster.owners().ownedHere(m.room())) {
        return false;
      }
      // Presence events of a room owned elsewhere are fenced, so only a dead node's members are seen leaving.
      bus.request(Cluster.coreAddress(me, Addresses.LEAVE), new JsonObject().put("room", m.room()).put("session", m.session()),
          new DeliveryOptions().setLocalOnly(true));
      return true;
    });
    joinedHere.replaceAll((m, joined) -> {
      String owner = cluster.owners().owner(m.room());
      if (owner == null || owner.equals(joined.owner())) {
        return joined;
      }
      // Its owner died: the new one is told the roster seen here, to say who left with it.
      String before = members.contains(joined.owner()) ? null : movedRosters.header(m.room());
      return rejoin(m, joined, owner, before);
    });
  }

  /** Joins this node's session {@code m} again at {@code owner}, the room's owner now; the entry to keep for it. */
  private Joined rejoin(Membership m, Joined joined, String owner, String before) {
    Joined moved = new Joined(joined.command(), owner);
    sendRejoin(m, moved, before, 1);
    return moved;
  }

  private void sendRejoin(Membership m, Joined moved, String before, int attempt) {
    DeliveryOptions options = new DeliveryOptions().addHeader(ORIGIN, cluster.nodeId()).setSendTimeout(REJOIN_TIMEOUT_MS);
    if (before != null) {
      options.addHeader(MovedRosters.BEFORE, before);
    }
    bus.request(Cluster.nodeAddress(moved.owner(), Addresses.JOIN), moved.command(), options).onFailure(e -> {
      boolean refused = e instanceof ReplyException r && r.failureType() == ReplyFailure.RECIPIENT_FAILURE
          && r.failureCode() != Failure.UNAVAILABLE;
      // Unanswered or lost on the way (a busy node, a request behind it that reached a dead node): again, while the
      // session is still here and the room still there; a lost re-join would leave the member out of the roster.
      if (!refused && attempt < REJOIN_ATTEMPTS && joinedHere.get(m) == moved) {
        log.info("session {} is joining room '{}' again at its new owner, attempt {}: {}", m.session(), m.room(), attempt + 1,
            e.getMessage());
        vertx.setTimer(SETTLE_MS, id -> sendRejoin(m, moved, before, attempt + 1));
      } else {
        log.warn("session {} could not join room '{}' again at its new owner: {}", m.session(), m.room(), e.getMessage());
      }
    });
  }
}
