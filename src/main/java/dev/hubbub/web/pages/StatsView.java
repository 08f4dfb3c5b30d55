package dev.hubbub.web.pages;

import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The dashboard figures of one {@code Addresses.STATS_FEED} snapshot, typed for the templates. */
public record StatsView(String messagesPerSecond, long messages, List<Connections> connections, List<Room> rooms, int roomCount,
                        String timestamp, List<Chart> charts, List<Node> nodes) {

  /** Display names of the transports we know; others show under their own name. */
  private static final Map<String, String> TRANSPORTS = Map.of("websocket", "WebSocket", "sse", "SSE", "sockjs", "SockJS", "tcp", "TCP");

  public record Connections(String transport, int count) {
  }

  /**
   * One cluster node and its connections, in the order of {@link #connections}'s transports.
   *
   * @param id   its node id, {@code shortId} its first 8 characters
   * @param self whether it is the node that rendered the page
   */
  public record Node(String id, String shortId, boolean self, List<Integer> counts, int total) {
  }

  /** @param lastUsername null when no message was stored since the hub started */
  public record Room(String room, int users, long messages, long lastSeq, String lastUsername, String lastText) {
    public String href() {
      return "/rooms/" + room;
    }
  }

  public static StatsView of(JsonObject snapshot) {
    List<Connections> connections = new ArrayList<>();
    snapshot.getJsonObject("connections", new JsonObject()).forEach(e ->
        connections.add(new Connections(TRANSPORTS.getOrDefault(e.getKey(), e.getKey()), ((Number) e.getValue()).intValue())));
    List<Room> rooms = new ArrayList<>();
    snapshot.getJsonArray("rooms").forEach(o -> {
      JsonObject r = (JsonObject) o;
      JsonObject last = r.getJsonObject("last");
      rooms.add(new Room(r.getString("room"), r.getInteger("users", 0), r.getLong("messages", 0L), r.getLong("lastSeq", 0L),
          last == null ? null : last.getString("username"), last == null ? null : last.getString("text")));
    });
    return new StatsView(String.format(Locale.ROOT, "%.1f", snapshot.getDouble("messagesPerSecond", 0.0)),
        snapshot.getLong("messages", 0L), connections, rooms, snapshot.getInteger("roomCount", rooms.size()),
        Instant.ofEpochMilli(snapshot.getLong("ts", 0L)).toString(),
        Chart.of(snapshot.getJsonObject("series"), snapshot.getLong("ts", 0L)), nodes(snapshot));
  }

  /** Empty on a single hub (the snapshot has no {@code nodes}). */
  private static List<Node> nodes(JsonObject snapshot) {
    List<String> transports = new ArrayList<>(snapshot.getJsonObject("connections", new JsonObject()).fieldNames());
    List<Node> nodes = new ArrayList<>();
    snapshot.getJsonArray("nodes", new io.vertx.core.json.JsonArray()).forEach(o -> {
      JsonObject n = (JsonObject) o;
      String id = n.getString("node", "");
      JsonObject counts = n.getJsonObject("connections", new JsonObject());
      nodes.add(new Node(id, id.length() > 8 ? id.substring(0, 8) : id, n.getBoolean("self", false),
          transports.stream().map(t -> counts.getInteger(t, 0)).toList(), n.getInteger("total", 0)));
    });
    return nodes;
  }
}
