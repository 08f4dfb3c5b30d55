package dev.hubbub.stats;

import dev.hubbub.cluster.Cluster;
import dev.hubbub.config.HubConfig;
import dev.hubbub.protocol.Addresses;
import dev.hubbub.protocol.Failure;
import dev.hubbub.protocol.FeedEvent;
import dev.hubbub.protocol.RoomEvent;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The live figures behind the dashboard: rooms with their member and message counts, open connections
 * per transport, and messages per second. Deployed as a single instance; it only listens to the bus
 * (stored events, bridge connection reports, the presence rooms command) and publishes a snapshot on
 * {@link Addresses#STATS_FEED} every interval.
 *
 * <p>On a cluster, every node's bridges report here (the reports are published cluster-wide), so the connection
 * figures span the nodes, and {@code nodes} lists each node's own; a node that leaves the cluster takes its
 * counts with it. The snapshot and the {@link Addresses#STATS} answer are this node's (local delivery).
 *
 * <p>Message counts are the chat messages stored since this hub started; {@code lastSeq} is the room's
 * latest sequence number, which also counts edits and deletions and survives restarts with the store.
 */
public class StatsVerticle extends VerticleBase {

  /** Rooms listed in one snapshot; the total is in {@code roomCount}. */
  static final int MAX_ROOMS = 100;
  /** Ticks averaged for messages per second, so the figure does not flicker. */
  static final int RATE_TICKS = 5;
  /** Longest username or text shown as a room's last message. */
  static final int PREVIEW_CHARS = 80;

  private HubConfig config;
  /** Figures by room, least recently active first, so the empty rooms to forget are at the front. */
  private final LinkedHashMap<String, RoomFigures> rooms = new LinkedHashMap<>();
  /** Each bridge instance's last report, by instance id. */
  private final Map<String, Report> reports = new HashMap<>();
  /** Null on a single hub. */
  private Cluster cluster;
  private final ArrayDeque<Long> recentTicks = new ArrayDeque<>();
  private final Series series = new Series();
  private long messages;
  private long messagesThisTick;

  /** What one bridge instance last said: its transport, its node (null on a single hub), its connections. */
  private record Report(String transport, String node, int connections) {
  }

  private static final class RoomFigures {
    long messages;
    long lastSeq;
    JsonObject last;
  }

  @Override
  public Future<?> start() {
    config = HubConfig.from(config());
    EventBus bus = vertx.eventBus();
    cluster = Cluster.of(vertx).orElse(null);
    if (cluster != null) {
      cluster.onChange(() -> context.runOnContext(v -> forgetGoneNodes()));
    }
    vertx.setPeriodic(config.stats().intervalMs(), id -> tick());
    return Future.all(
        bus.<FeedEvent>consumer(Addresses.STORED, msg -> stored(msg.body().event(), msg.headers().contains(Addresses.PRIVATE_HEADER))).completion(),
        bus.<JsonObject>consumer(Addresses.CONNECTIONS, msg -> connections(msg.body())).completion(),
        // Local: the dashboard of a node shows that node's view (a clustered consumer would be any node's, a dead one's too).
        bus.<JsonObject>localConsumer(Addresses.STATS, this::query).completion(),
        bus.<JsonObject>consumer(ConnectionReporter.SLOW_CONSUMERS, msg -> series.slowConsumer(System.currentTimeMillis())).completion(),
        bus.<JsonObject>consumer(Addresses.ACCESS_CHANGED, msg -> {
          if (msg.body().getBoolean("private", false)) {
            rooms.remove(msg.body().getString("room"));
          }
        }).completion());
  }

  private void stored(RoomEvent event, boolean membersOnly) {
    RoomEvent.Chat chat = event instanceof RoomEvent.Chat c ? c : null;
    if (chat != null) {
      // Delivery latency as this node's feed consumers see it: from the message's timestamp to now.
      long now = System.currentTimeMillis();
      series.chat(now, Math.max(0, now - chat.ts()));
    }
    if (membersOnly) {
      // A members-only room counts in the totals but is not shown: its name and last words are its members' business.
      rooms.remove(event.room());
      if (chat != null) {
        messages++;
        messagesThisTick++;
      }
      return;
    }
    // Taken out and put back, so the map stays in order of activity.
    RoomFigures room = rooms.remove(event.room());
    if (room == null) {
      room = new RoomFigures();
    }
    rooms.put(event.room(), room);
    room.lastSeq = Math.max(room.lastSeq, event.seq());
    if (chat != null) {
      room.messages++;
      room.last = new JsonObject()
          .put("username", preview(chat.username()))
          .put("text", preview(chat.text()));
      messages++;
      messagesThisTick++;
    }
  }

  private void connections(JsonObject report) {
    String transport = report.getString("transport");
    String instance = report.getString("instance");
    Integer count = report.getInteger("connections");
    if (transport == null || instance == null || count == null) {
      return;
    }
    reports.put(instance, new Report(transport, report.getString("node"), count));
  }

  /** The members changed: the counts of nodes that left go with them. */
  private void forgetGoneNodes() {
    Set<String> nodes = new HashSet<>(cluster.nodes());
    reports.values().removeIf(r -> r.node() != null && !nodes.contains(r.node()));
  }

  private void tick() {
    recentTicks.addLast(messagesThisTick);
    messagesThisTick = 0;
    if (recentTicks.size() > RATE_TICKS) {
      recentTicks.removeFirst();
    }
    series.connections(System.currentTimeMillis(), perTransport());
    // This node's pages only: every node publishes its own snapshot.
    snapshot(true).onSuccess(snapshot -> vertx.eventBus().publish(Addresses.STATS_FEED, snapshot, new DeliveryOptions().setLocalOnly(true)));
  }

  /**
   * Forgets the figures of the least recently active rooms no one is in, past the most recent
   * {@link #MAX_ROOMS}: a room that had messages once costs nothing here for ever after.
   */
  private void forgetEmptyRooms(Map<String, Integer> members) {
    int empty = 0;
    for (String name : rooms.keySet()) {
      if (!members.containsKey(name)) {
        empty++;
      }
    }
    Iterator<String> eldestFirst = rooms.keySet().iterator();
    while (empty > MAX_ROOMS && eldestFirst.hasNext()) {
      if (!members.containsKey(eldestFirst.next())) {
        eldestFirst.remove();
        empty--;
      }
    }
  }

  private void query(Message<JsonObject> msg) {
    snapshot(false).onSuccess(msg::reply).onFailure(e -> Failure.reply(msg, e));
  }

  /** Asks presence for the member counts and joins them with what this verticle counted. */
  private Future<JsonObject> snapshot(boolean forget) {
    return vertx.eventBus().<JsonObject>request(Addresses.ROOMS, new JsonObject()).map(reply -> {
      Map<String, Integer> members = new HashMap<>();
      reply.body().getJsonArray("rooms").forEach(o -> {
        JsonObject r = (JsonObject) o;
        members.put(r.getString("room"), r.getInteger("users"));
      });
      if (forget) {
        forgetEmptyRooms(members);
      }
      TreeSet<String> names = new TreeSet<>(members.keySet());
      names.addAll(rooms.keySet());
      JsonArray list = new JsonArray();
      for (String name : names) {
        if (list.size() == MAX_ROOMS) {
          break;
        }
        RoomFigures figures = rooms.get(name);
        JsonObject room = new JsonObject().put("room", name).put("users", members.getOrDefault(name, 0))
            .put("messages", figures == null ? 0 : figures.messages).put("lastSeq", figures == null ? 0 : figures.lastSeq);
        if (figures != null && figures.last != null) {
          room.put("last", figures.last.copy());
        }
        list.add(room);
      }
      JsonObject perTransport = new JsonObject();
      perTransport().forEach(perTransport::put);
      long now = System.currentTimeMillis();
      JsonObject snapshot = new JsonObject()
          .put("type", "stats")
          .put("ts", now)
          .put("messagesPerSecond", messagesPerSecond())
          .put("messages", messages)
          .put("connections", perTransport)
          .put("rooms", list)
          .put("roomCount", names.size())
          .put("series", series.toJson(now));
      if (cluster != null) {
        snapshot.put("nodes", perNode());
      }
      return snapshot;
    });
  }

  /**
   * Every member's reports, summed per transport. A report of a node that is not a member now is kept but
   * not counted: a killed node's last report can arrive after the cluster said it left (it was on the wire),
   * and a new node's first one before this node has seen it join, whose counts then show once it has.
   */
  private Map<String, Integer> perTransport() {
    Set<String> members = cluster == null ? Set.of() : new HashSet<>(cluster.nodes());
    Map<String, Integer> sums = new TreeMap<>();
    reports.values().stream().filter(r -> r.node() == null || members.contains(r.node()))
        .forEach(r -> sums.merge(r.transport(), r.connections(), Integer::sum));
    return sums;
  }

  /** {@code [{node, self, connections: {transport: n}, total}]} for every member, sorted by node id. */
  private JsonArray perNode() {
    List<String> nodes = cluster.nodes().stream().sorted().toList();
    Map<String, Map<String, Integer>> sums = new HashMap<>();
    reports.values().forEach(r -> {
      if (r.node() != null) {
        sums.computeIfAbsent(r.node(), n -> new TreeMap<>()).merge(r.transport(), r.connections(), Integer::sum);
      }
    });
    JsonArray list = new JsonArray();
    for (String node : nodes) {
      Map<String, Integer> counts = sums.getOrDefault(node, Map.of());
      JsonObject perTransport = new JsonObject();
      counts.forEach(perTransport::put);
      list.add(new JsonObject().put("node", node).put("self", node.equals(cluster.nodeId())).put("connections", perTransport)
          .put("total", counts.values().stream().mapToInt(Integer::intValue).sum()));
    }
    return list;
  }

  /** Average over the last few ticks, rounded to one decimal. */
  private double messagesPerSecond() {
    if (recentTicks.isEmpty()) {
      return 0;
    }
    long sum = recentTicks.stream().mapToLong(Long::longValue).sum();
    double seconds = recentTicks.size() * config.stats().intervalMs() / 1000.0;
    return Math.round(sum / seconds * 10) / 10.0;
  }

  private static String preview(String s) {
    if (s == null || s.codePointCount(0, s.length()) <= PREVIEW_CHARS) {
      return s;
    }
    return s.substring(0, s.offsetByCodePoints(0, PREVIEW_CHARS)) + "…";
  }
}
