package dev.hubbub.bridge.sse;

import dev.hubbub.auth.HttpAuth;
import dev.hubbub.auth.Identity;
import dev.hubbub.auth.RoomAccess;
import dev.hubbub.auth.RoomPolicy;
import dev.hubbub.bridge.FeedEvent;
import dev.hubbub.bridge.FeedSession;
import dev.hubbub.bridge.RoomFanout;
import dev.hubbub.config.HubConfig;
import dev.hubbub.feed.Addresses;
import dev.hubbub.feed.Failure;
import dev.hubbub.feed.Rules;
import dev.hubbub.limits.Limits;
import dev.hubbub.metrics.HubMetrics;
import dev.hubbub.stats.ConnectionReporter;
import dev.hubbub.store.AccountStore;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
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
 * the event bus alone. Each event is rendered once per format per instance ({@link FeedEvent#encoded}).
 */
public final class SseBridge {

  final Vertx vertx;
  final RoomFanout<SseSession> fanout;
  private final HubConfig config;
  private final HttpAuth auth;
  private final Set<SseSession> sessions = new LinkedHashSet<>();
  private final ConnectionReporter reporter;
  private final Set<SseStream> streams = new LinkedHashSet<>();
  /** Dashboard streams and the encoding each one wants. */
  private final Map<SseStream, FeedEvent.Encoding<String>> dashboards = new HashMap<>();
  /** Who each open stream reads as, so a deleted account's streams can be ended. */
  private final Map<SseStream, Identity> readers = new HashMap<>();
  private MessageConsumer<JsonObject> statsConsumer;
  private final Limits limits;
  /** Where each open stream comes from, to release its place under the connection caps. */
  private final Map<SseStream, SocketAddress> addresses = new HashMap<>();
  private boolean shuttingDown;

  private final FeedEvent.Encoding<String> jsonRecord;
  private final FeedEvent.Encoding<String> htmlRecord;
  private final FeedEvent.Encoding<String> statsJson;
  private final FeedEvent.Encoding<String> statsHtml;

  public SseBridge(Vertx vertx, HubConfig config, HtmlFragments html, HttpAuth auth) {
    this.vertx = vertx;
    this.config = config;
    this.auth = auth;
    this.fanout = new RoomFanout<>(vertx);
    this.limits = Limits.of(vertx);
    this.reporter = new ConnectionReporter(vertx, ConnectionReporter.SSE);
    // The JSON record's data is the same text the WebSocket bridge sends, so the two share one encode().
    this.jsonRecord = FeedEvent.Encoding.of("sse.json", e -> SseRecords.event(e.seq(), e.type(), e.text()));
    this.htmlRecord = FeedEvent.Encoding.of("sse.html", e -> SseRecords.event(e.seq(), e.type(), html.feedEvent(e.json()).strip()));
    this.statsJson = FeedEvent.Encoding.of("sse.stats.json", e -> SseRecords.event(0, e.type(), e.text()));
    this.statsHtml = FeedEvent.Encoding.of("sse.stats.html", e -> SseRecords.event(0, e.type(), html.stats(e.json()).strip()));
    // One timer for every stream of this instance, rather than one per connection.
    vertx.setPeriodic(config.sse().keepAliveMs(), id -> keepAlive());
    // Readers who may no longer read a room lose its stream.
    vertx.eventBus().<JsonObject>consumer(Addresses.ACCESS_CHANGED, msg -> {
      RoomPolicy policy = RoomPolicy.fromJson(msg.body());
      for (SseSession session : new ArrayList<>(sessions)) {
        if (session.room().equals(policy.room()) && !policy.canRead(session.reader())) {
          session.end("room '" + policy.room() + "' is now members-only");
        }
      }
    });
    // A deleted account's streams end at once, whatever their token's expiry.
    vertx.eventBus().<JsonObject>consumer(Addresses.ACCOUNT_DELETED, msg -> {
      String deleted = AccountStore.key(msg.body().getString("username"));
      new ArrayList<>(readers.entrySet()).stream()
          .filter(e -> !e.getValue().guest() && e.getValue().username() != null && AccountStore.key(e.getValue().username()).equals(deleted))
          .forEach(e -> e.getKey().close("account deleted: log in again"));
    });
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
    FeedEvent.Encoding<String> encoding = encodingOrAnswer(ctx, jsonRecord, htmlRecord);
    if (encoding == null) {
      return;
    }
    auth.identify(ctx.request())
        .compose(reader -> RoomAccess.requireRead(vertx.eventBus(), room, reader).map(reader))
        .onSuccess(reader -> {
          if (ctx.response().closed() || !admitted(ctx)) {
            return;
          }
          SseStream stream = open(ctx);
          readers.put(stream, reader);
          dev.hubbub.stats.Watchers.of(vertx).opened(room); // the room page's watcher count
          SseSession session = new SseSession(this, stream, room, encoding, reader);
          sessions.add(session);
          long expiry = endAtExpiry(stream, reader);
          stream.onClose(() -> {
            vertx.cancelTimer(expiry);
            sessions.remove(session);
            fanout.remove(room, session);
            session.stop();
            dev.hubbub.stats.Watchers.of(vertx).closed(room);
            closed(stream);
          });
          session.start(since, epoch);
        })
        .onFailure(e -> error(ctx, Failure.codeOf(e), Failure.messageOf(e)));
  }

  /** Ends the stream when the reader's token expires; a reconnect with the expired token is refused. */
  private long endAtExpiry(SseStream stream, Identity reader) {
    if (reader.expiresAt() <= 0) {
      return -1;
    }
    return vertx.setTimer(Math.max(1, reader.expiresAt() - System.currentTimeMillis()),
        id -> stream.close("token expired: log in again"));
  }

  /** {@code GET /dashboard/events[?format=json]}: a {@code stats} event now, then one per stats interval. */
  public void dashboardEvents(RoutingContext ctx) {
    if (refusedWhileShuttingDown(ctx)) {
      return;
    }
    FeedEvent.Encoding<String> encoding = encodingOrAnswer(ctx, statsJson, statsHtml);
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

  private void watchDashboard(RoutingContext ctx, FeedEvent.Encoding<String> encoding, Identity reader) {
    SseStream stream = open(ctx);
    readers.put(stream, reader);
    long expiry = endAtExpiry(stream, reader);
    dashboards.put(stream, encoding);
    if (statsConsumer == null) {
      statsConsumer = vertx.eventBus().consumer(Addresses.STATS_FEED, msg -> {
        FeedEvent snapshot = new FeedEvent(msg.body());
        for (Map.Entry<SseStream, FeedEvent.Encoding<String>> watcher : new ArrayList<>(dashboards.entrySet())) {
          send(watcher.getKey(), snapshot.encoded(watcher.getValue()));
        }
      });
    }
    stream.onClose(() -> {
      vertx.cancelTimer(expiry);
      dashboards.remove(stream);
      if (dashboards.isEmpty() && statsConsumer != null) {
        statsConsumer.unregister();
        statsConsumer = null;
      }
      closed(stream);
    });
    vertx.eventBus().<JsonObject>request(Addresses.STATS, new JsonObject())
        .onSuccess(reply -> send(stream, new FeedEvent(reply.body()).encoded(encoding)))
        .onFailure(e -> stream.close("figures unavailable: " + Failure.messageOf(e)));
  }

  /** Open event streams on this instance, room and dashboard ones alike. */
  public int connections() {
    return streams.size();
  }

  /** Counts the stream against the connection caps, or answers 503/429 JSON and returns false. */
  private boolean admitted(RoutingContext ctx) {
    Limits.Refusal refusal = limits.tryOpen(config.abuse(), ctx.request().remoteAddress());
    if (refusal != null) {
      error(ctx, refusal.status(), refusal.reason());
      return false;
    }
    return true;
  }

  /** Opens the event stream of a request {@link #admitted} under the caps. */
  private SseStream open(RoutingContext ctx) {
    SseStream stream = SseStream.open(ctx, config.sse().retryMs(), config.limits().outboundQueueBytes());
    addresses.put(stream, ctx.request().remoteAddress());
    streams.add(stream);
    reporter.report(streams.size());
    return stream;
  }

  private void closed(SseStream stream) {
    readers.remove(stream);
    SocketAddress address = addresses.remove(stream);
    if (address != null) {
      limits.release(config.abuse(), address);
    }
    if (streams.remove(stream)) {
      reporter.report(streams.size());
    }
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
    for (SseStream stream : new ArrayList<>(streams)) {
      stream.end("shutdown", new JsonObject().put("type", "shutdown").put("message", FeedSession.GOING_AWAY + " reconnect"));
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
    for (SseStream stream : new ArrayList<>(streams)) {
      send(stream, SseRecords.comment("keep-alive"));
    }
  }

  /** True for {@code ?format=json}, false for the default HTML fragments. */
  /**
   * The rendering the request asks for ({@code ?format=json} or the default HTML), or null after answering
   * 400 for an unknown format or 406 for a client that does not accept an event stream.
   */
  private static FeedEvent.Encoding<String> encodingOrAnswer(RoutingContext ctx, FeedEvent.Encoding<String> json,
                                                             FeedEvent.Encoding<String> html) {
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
