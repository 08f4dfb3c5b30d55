package dev.hubbub.bridge.sse;

import dev.hubbub.auth.HttpAuth;
import dev.hubbub.auth.Identity;
import dev.hubbub.bridge.Connections;
import dev.hubbub.bridge.SessionEngine;
import dev.hubbub.bridge.Subscribe;
import dev.hubbub.config.HubConfig;
import dev.hubbub.limits.Limits;
import dev.hubbub.metrics.HubMetrics;
import dev.hubbub.protocol.Addresses;
import dev.hubbub.protocol.Disconnect;
import dev.hubbub.protocol.Failure;
import dev.hubbub.protocol.Rules;
import dev.hubbub.stats.ConnectionReporter;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Serves room feeds and the dashboard figures as Server-Sent Events, in two renderings of the same events:
 * HTML fragments for htmx (the default) and JSON ({@code ?format=json}) with the WebSocket frames' fields.
 * One per HTTP server instance, used only from that instance's event loop; it talks to the core through
 * the event bus alone. Each event is rendered once per format per node ({@link Rendering#live}).
 */
public final class SseBridge {

  final Vertx vertx;
  final SessionEngine engine;
  private final HubConfig config;
  private final HttpAuth auth;
  private final Set<SseSession> sessions = new LinkedHashSet<>();
  /** Every open stream, room and dashboard ones: counted, capped, ended at its reader's token expiry or account deletion. */
  private final Connections<SseStream> streams;
  /** Dashboard streams and the encoding each one wants. */
  private final Map<SseStream, StatsRendering> dashboards = new HashMap<>();
  private MessageConsumer<JsonObject> statsConsumer;
  private boolean shuttingDown;

  private final Rendering jsonRecord;
  private final Rendering htmlRecord;
  private final StatsRendering statsJson;
  private final StatsRendering statsHtml;

  /** How a dashboard stream renders the figures. */
  private interface StatsRendering {
    String record(JsonObject snapshot);
  }

  public SseBridge(Vertx vertx, HubConfig config, HtmlFragments html, HttpAuth auth, SessionEngine engine) {
    this.vertx = vertx;
    this.config = config;
    this.auth = auth;
    this.engine = engine;
    this.streams = engine.connections(ConnectionReporter.SSE, auth.authenticator()::verify, config);
    // The JSON record's data is the same bytes the WebSocket bridge sends: the event's one JSON form.
    this.jsonRecord = Rendering.json();
    this.htmlRecord = Rendering.html(html);
    this.statsJson = snapshot -> SseRecords.event(0, snapshot.getString("type"), snapshot.encode());
    this.statsHtml = snapshot -> SseRecords.event(0, snapshot.getString("type"), html.stats(snapshot).strip());
    // One timer for every stream of this instance, rather than one per connection.
    vertx.setPeriodic(config.sse().keepAliveMs(), id -> keepAlive());
  }

  /**
   * {@code GET /rooms/:room/events[?format=json][&lastEventId=n][&epoch=e]}, resuming after {@code Last-Event-ID}
   * in history epoch {@code e} (another epoch restarts the client from a fresh, truncated snapshot).
   * The reader is identified first (401 without a usable token when guests are not admitted, or with a bad
   * one) and must be allowed to read the room (403); the stream ends when the reader's token expires.
   */
  public void roomEvents(RoutingContext ctx) {
    if (refusedWhileShuttingDown(ctx)) {
      return;
    }
    String room;
    Long since;
    String epoch;
    try {
      room = Rules.room(new JsonObject().put("room", ctx.pathParam("room")));
      since = lastEventId(ctx);
      epoch = Rules.optionalEpoch(ctx.queryParams().get("epoch"), "epoch");
    } catch (Failure.Rejected e) {
      error(ctx, e.code, e.getMessage());
      return;
    }
    Rendering encoding = encodingOrAnswer(ctx, jsonRecord, htmlRecord);
    if (encoding == null) {
      return;
    }
    // The session joins the feed and asks the core in one request before the stream opens, so a refusal is still a 401/403.
    auth.identify(ctx.request())
        .compose(reader -> {
          SseSession session = new SseSession(this, ctx.response(), room, encoding, reader);
          return session.subscribe(since, epoch).map(reply -> {
            if (ctx.response().closed() || refusedWhileShuttingDown(ctx) || !admitted(ctx)) {
              session.cancel();
            } else {
              watch(ctx, session, reply);
            }
            return null;
          });
        })
        .onFailure(e -> error(ctx, Failure.codeOf(e), Failure.messageOf(e)));
  }

  /** Opens the stream of a subscribed {@code session} and starts it with the subscribe {@code reply}. */
  private void watch(RoutingContext ctx, SseSession session, Subscribe.Reply reply) {
    String room = session.room();
    SseStream stream = open(ctx, session.reader());
    dev.hubbub.stats.Watchers.of(vertx).opened(room); // the room page's watcher count
    sessions.add(session);
    stream.onClose(() -> {
      sessions.remove(session);
      engine.unsubscribe(room, session);
      session.stop();
      dev.hubbub.stats.Watchers.of(vertx).closed(room);
      closed(stream);
    });
    session.opened(stream, reply);
  }

  /** {@code GET /dashboard/events[?format=json]}: a {@code stats} event now, then one per stats interval. */
  public void dashboardEvents(RoutingContext ctx) {
    if (refusedWhileShuttingDown(ctx)) {
      return;
    }
    StatsRendering encoding = encodingOrAnswer(ctx, statsJson, statsHtml);
    if (encoding == null) {
      return;
    }
    // The figures quote public rooms, so they are for whoever may read those: guests only when admitted.
    auth.identify(ctx.request())
        .onSuccess(reader -> {
          if (!ctx.response().closed() && admitted(ctx)) {
            watchDashboard(ctx, encoding, reader);
          }
        })
        .onFailure(e -> error(ctx, Failure.codeOf(e), Failure.messageOf(e)));
  }

  private void watchDashboard(RoutingContext ctx, StatsRendering encoding, Identity reader) {
    SseStream stream = open(ctx, reader);
    dashboards.put(stream, encoding);
    if (statsConsumer == null) {
      statsConsumer = vertx.eventBus().consumer(Addresses.STATS_FEED, msg -> {
        // Each rendering once per snapshot, however many dashboards want it.
        Map<StatsRendering, String> rendered = new HashMap<>(4);
        for (Map.Entry<SseStream, StatsRendering> watcher : new ArrayList<>(dashboards.entrySet())) {
          send(watcher.getKey(), rendered.computeIfAbsent(watcher.getValue(), r -> r.record(msg.body())));
        }
      });
    }
    stream.onClose(() -> {
      dashboards.remove(stream);
      if (dashboards.isEmpty() && statsConsumer != null) {
        statsConsumer.unregister();
        statsConsumer = null;
      }
      closed(stream);
    });
    vertx.eventBus().<JsonObject>request(Addresses.STATS, new JsonObject())
        .onSuccess(reply -> send(stream, encoding.record(reply.body())))
        .onFailure(e -> stream.close("figures unavailable: " + Failure.messageOf(e)));
  }

  /** Open event streams on this instance, room and dashboard ones alike. */
  public int connections() {
    return streams.size();
  }

  /** Counts the stream against the connection caps, or answers 503/429 JSON and returns false. */
  private boolean admitted(RoutingContext ctx) {
    Limits.Refusal refusal = streams.tryOpen(ctx.request().remoteAddress());
    if (refusal != null) {
      error(ctx, refusal.status(), refusal.reason());
      return false;
    }
    return true;
  }

  /**
   * Opens the event stream of a request {@link #admitted} under the caps, read by {@code reader}: it ends at
   * the reader's token expiry (a reconnect with the expired token is refused) or when their account is deleted.
   */
  private SseStream open(RoutingContext ctx, Identity reader) {
    SseStream stream = SseStream.open(ctx, config.sse().retryMs(), config.limits().outboundQueueBytes());
    stream.client = streams.open(stream, ctx.request().remoteAddress());
    stream.client.loggedIn(reader, "token expired: log in again");
    return stream;
  }

  /** The stream ended, whoever ended it: it no longer counts, and its place under the caps is released. */
  private void closed(SseStream stream) {
    stream.client.closed();
  }

  private void send(SseStream stream, String record) {
    if (stream.full()) {
      if (!stream.isClosed()) {
        HubMetrics.get().slowConsumer();
      }
      stream.close("slow consumer: reconnect");
    } else {
      stream.write(record);
    }
  }

  /**
   * Shutdown: every room stream gets a last {@code shutdown} event with its resume point, other streams
   * (the dashboard) one without; new streams are refused. Returns how many streams were told.
   */
  public int shutDown() {
    shuttingDown = true;
    int told = streams.size();
    new ArrayList<>(sessions).forEach(SseSession::shutDown);
    for (SseStream stream : streams.all()) {
      stream.end("shutdown", new JsonObject().put("type", "shutdown").put("message", Disconnect.GOING_AWAY_PREFIX + " reconnect"));
    }
    return told;
  }

  private boolean refusedWhileShuttingDown(RoutingContext ctx) {
    if (shuttingDown) {
      error(ctx, 503, "hub is shutting down, try again");
    }
    return shuttingDown;
  }

  private void keepAlive() {
    for (SseStream stream : streams.all()) {
      send(stream, SseRecords.comment("keep-alive"));
    }
  }

  /**
   * The rendering the request asks for ({@code ?format=json} or the default HTML), or null after answering
   * 400 for an unknown format or 406 for a client that does not accept an event stream.
   */
  private static <R> R encodingOrAnswer(RoutingContext ctx, R json, R html) {
    boolean wantsJson;
    try {
      wantsJson = wantsJson(ctx);
    } catch (Failure.Rejected e) {
      error(ctx, e.code, e.getMessage());
      return null;
    }
    if (!acceptsEventStream(ctx)) {
      error(ctx, 406, "this endpoint sends text/event-stream");
      return null;
    }
    return wantsJson ? json : html;
  }

  private static boolean wantsJson(RoutingContext ctx) {
    String format = ctx.queryParams().get("format");
    if (format == null || format.equals("html")) {
      return false;
    }
    if (format.equals("json")) {
      return true;
    }
    throw Failure.badRequest("format must be html or json");
  }

  /** The resume point: the {@code Last-Event-ID} header a reconnecting EventSource sends, else {@code ?lastEventId}. */
  private static Long lastEventId(RoutingContext ctx) {
    String value = ctx.request().getHeader("Last-Event-ID");
    if (value == null || value.isBlank()) {
      value = ctx.queryParams().get("lastEventId");
    }
    if (value == null || value.isBlank()) {
      return null;
    }
    return Rules.resumePoint(value, "Last-Event-ID");
  }

  private static boolean acceptsEventStream(RoutingContext ctx) {
    String accept = ctx.request().getHeader("Accept");
    return accept == null || accept.contains("text/event-stream") || accept.contains("*/*") || accept.contains("text/*");
  }

  private static void error(RoutingContext ctx, int status, String message) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json; charset=utf-8")
        .end(new JsonObject().put("error", message).encode());
  }
}
