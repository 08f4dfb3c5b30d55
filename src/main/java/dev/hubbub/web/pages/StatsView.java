package dev.hubbub.web.pages;

import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The dashboard figures of one {@code Addresses.STATS_FEED} snapshot, typed for the templates. */
public record StatsView(String messagesPerSecond, long messages, List<Connections> connections, List<Room> rooms, int roomCount,
                        String timestamp, List<Chart> charts) {

  /** Display names of the transports we know; others show under their own name. */
  private static final Map<String, String> TRANSPORTS = Map.of("websocket", "WebSocket", "sse", "SSE", "sockjs", "SockJS", "tcp", "TCP");

  public record Connections(String transport, int count) {
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
        Chart.of(snapshot.getJsonObject("series"), snapshot.getLong("ts", 0L)));
  }
}
