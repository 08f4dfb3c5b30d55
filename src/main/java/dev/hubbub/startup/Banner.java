package dev.hubbub.startup;

import dev.hubbub.config.HubConfig;

import java.util.ArrayList;
import java.util.List;

/** The start-up log's list of every endpoint, so an operator sees where each way in is. */
public final class Banner {

  private Banner() {
  }

  public static List<String> lines(HubConfig config) {
    String host = config.http().host();
    String shown = "0.0.0.0".equals(host) || "::".equals(host) ? "localhost" : host;
    String http = "http://" + shown + ":" + config.http().port();
    String ws = "ws://" + shown + ":" + config.http().port();
    List<String> lines = new ArrayList<>();
    lines.add("Hubbub listening on " + http + " (bound to " + host + "); endpoints:");
    lines.add("  chat client      " + http + "/");
    lines.add("  htmx room page   " + http + "/rooms/general");
    lines.add("  dashboard        " + http + "/dashboard");
    lines.add("  WebSocket        " + ws + "/ws");
    lines.add("  SSE              " + http + "/rooms/{room}/events");
    lines.add("  SockJS bridge    " + http + "/eventbus");
    lines.add("  REST API         " + http + "/api/rooms   health " + http + "/health   stats " + http + "/api/stats");
    lines.add(config.tcp().enabled()
        ? "  TCP bridge       " + config.tcp().host() + ":" + config.tcp().port()
        : "  TCP bridge       off (tcp.enabled)");
    return lines;
  }
}
