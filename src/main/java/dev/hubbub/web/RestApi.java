package dev.hubbub.web;

import dev.hubbub.auth.Csrf;
import dev.hubbub.auth.HttpAuth;
import dev.hubbub.auth.Identity;
import dev.hubbub.cluster.Cluster;
import dev.hubbub.feed.RoomOwners;
import dev.hubbub.limits.ClientAddress;
import dev.hubbub.limits.LimitSettings;
import dev.hubbub.limits.Limits;
import dev.hubbub.limits.RateGate;
import dev.hubbub.metrics.HubMetrics;
import dev.hubbub.protocol.Ack;
import dev.hubbub.protocol.Addresses;
import dev.hubbub.protocol.Failure;
import dev.hubbub.protocol.WriteCommand;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.util.ArrayList;
import java.util.Set;
import java.util.regex.Pattern;

/** The JSON API under {@code /api} and the health check. Every error is a JSON body {@code {error}}. */
final class RestApi {

  private static final long HEALTH_TIMEOUT_MS = 2_000;
  private static final Pattern WHOLE_NUMBER = Pattern.compile("[0-9]{1,18}");
  private static final Set<String> PAGE_PARAMS = Set.of("after", "before", "limit");

  private final Vertx vertx;
  private final int maxBodyBytes;
  private final int maxTextChars;
  private final HttpAuth auth;
  private final Csrf csrf;
  private final long startedAt = System.currentTimeMillis();
  private final LimitSettings limits;

  RestApi(Vertx vertx, int maxBodyBytes, int maxTextChars, HttpAuth auth, Csrf csrf, LimitSettings limits) {
    this.vertx = vertx;
    this.limits = limits;
    this.maxBodyBytes = maxBodyBytes;
    this.maxTextChars = maxTextChars;
    this.auth = auth;
    this.csrf = csrf;
  }

  void mount(Router router) {
    router.get("/api/rooms").handler(this::rooms);
    router.get("/api/stats").handler(this::stats);
    String messages = "/api/rooms/:room/messages";
    router.get(messages).handler(this::listMessages);
    router.post(messages).handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes)).handler(csrf.protect()).handler(this::postMessage);
    router.patch(messages + "/:id").handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes)).handler(csrf.protect()).handler(this::editMessage);
    router.delete(messages + "/:id").handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes)).handler(csrf.protect()).handler(this::deleteMessage);
    router.get("/health").handler(this::health);
  }

  /** The catch-alls of {@code /api}, mounted after every API route. */
  static void mountFallbacks(Router router) {
    router.route("/api/*").handler(ctx -> Json.error(ctx, 404, "no such endpoint"));
    router.route("/api/*").failureHandler(ctx -> Json.error(ctx, ctx.statusCode() > 0 ? ctx.statusCode() : 500,
        ctx.statusCode() == 403 ? "CSRF token missing or invalid: send the " + Csrf.HEADER + " header (or form field) from the page"
            : ctx.statusCode() >= 400 && ctx.statusCode() < 500 ? "bad request" : "internal error"));
  }

  /** Occupied public rooms; like every read, only for guests when they are admitted. */
  private void rooms(RoutingContext ctx) {
    auth.identify(ctx.request())
        .compose(who -> vertx.eventBus().<JsonObject>request(Addresses.ROOMS, new JsonObject()))
        .onSuccess(reply -> Json.ok(ctx, 200, reply.body()))
        .onFailure(e -> Json.failed(ctx, e));
  }

  /** The dashboard's live figures as JSON (see {@link Addresses#STATS_FEED} for the shape). */
  private void stats(RoutingContext ctx) {
    auth.identify(ctx.request())
        .compose(who -> vertx.eventBus().<JsonObject>request(Addresses.STATS, new JsonObject()))
        .onSuccess(reply -> Json.ok(ctx, 200, reply.body()))
        .onFailure(e -> Json.failed(ctx, e));
  }

  /**
   * {@code GET /api/rooms/{room}/messages?after=&before=&limit=&q=}: a page of chat messages, oldest first.
   * The parameters are parsed here and checked by the core, so both reject bad input with a 400.
   */
  private void listMessages(RoutingContext ctx) {
    JsonObject query = new JsonObject().put("room", ctx.pathParam("room"));
    for (String name : PAGE_PARAMS) {
      String value = ctx.queryParams().get(name);
      if (value != null) {
        if (!WHOLE_NUMBER.matcher(value).matches()) {
          Json.error(ctx, 400, name + " must be a whole number, 0 or more");
          return;
        }
        query.put(name, Long.parseLong(value));
      }
    }
    String q = ctx.queryParams().get("q");
    if (q != null) {
      query.put("q", q);
    }
    auth.identify(ctx.request())
        .compose(who -> vertx.eventBus().<JsonObject>request(Addresses.MESSAGES, who.into(query)))
        .onSuccess(reply -> Json.ok(ctx, 200, reply.body()))
        .onFailure(e -> Json.failed(ctx, e));
  }

  /** {@code POST /api/rooms/{room}/messages {text, cid?}} → 201 {@code {id, seq}} once committed; 200 for a repeated cid. */
  private void postMessage(RoutingContext ctx) {
    HubMetrics.get().messageIn(HubMetrics.Transport.HTTP);
    JsonObject body = Json.body(ctx);
    if (body == null) {
      return;
    }
    JsonObject command = new JsonObject().put("room", ctx.pathParam("room")).put("text", body.getValue("text"));
    if (body.containsKey("cid")) {
      command.put("cid", body.getValue("cid"));
    }
    write(ctx, Addresses.CHAT, command, body);
  }

  /** {@code PATCH /api/rooms/{room}/messages/{id} {text}} → 200 {@code {id, seq}}, the edit's own seq. */
  private void editMessage(RoutingContext ctx) {
    JsonObject body = Json.body(ctx);
    if (body == null) {
      return;
    }
    write(ctx, Addresses.EDIT, new JsonObject().put("room", ctx.pathParam("room")).put("id", ctx.pathParam("id"))
        .put("text", body.getValue("text")), body);
  }

  /** {@code DELETE /api/rooms/{room}/messages/{id}} → 200 {@code {id, seq}}, the deletion's own seq. */
  private void deleteMessage(RoutingContext ctx) {
    // A logged-in user needs no body; a guest names themselves in one.
    String text = ctx.body().asString();
    JsonObject body = text == null || text.isBlank() ? new JsonObject() : Json.body(ctx);
    if (body == null) {
      return;
    }
    write(ctx, Addresses.DELETE, new JsonObject().put("room", ctx.pathParam("room")).put("id", ctx.pathParam("id")), body);
  }

  /**
   * Sends a write as the request's user (the token's, or a guest's {@code username} from the body), checked
   * here as the core checks it (a 400 names the field); answers {@code {id, seq}}, 201 when a chat created a message.
   */
  private void write(RoutingContext ctx, String address, JsonObject command, JsonObject body) {
    auth.author(ctx.request(), body.getValue("username"))
        .compose(who -> {
          // An identity's rate counts over every transport; a request has no connection of its own to limit.
          String key = Identity.rateKey(who);
          if (key != null && !Limits.of(vertx).tryMessage(limits, key, System.nanoTime())) {
            return Future.failedFuture(new Failure.Rejected(Failure.TOO_MANY, RateGate.REFUSED));
          }
          WriteCommand write = WriteCommand.parse(address, command, who.actor(), ClientAddress.host(ctx.request().remoteAddress()),
              maxTextChars);
          return vertx.eventBus().<Ack>request(RoomOwners.of(vertx).address(write.room(), address), write);
        })
        .onSuccess(reply -> {
          Ack stored = reply.body();
          boolean created = address.equals(Addresses.CHAT) && !stored.duplicate();
          Json.ok(ctx, created ? 201 : 200, new JsonObject().put("id", stored.id()).put("seq", stored.seq()));
        })
        .onFailure(e -> Json.failed(ctx, e));
  }

  /** Healthy when the core answers a command in time, so a wedged core shows up here. */
  private void health(RoutingContext ctx) {
    vertx.eventBus().<JsonObject>request(Addresses.ROOMS, new JsonObject(), new DeliveryOptions().setSendTimeout(HEALTH_TIMEOUT_MS))
        .onSuccess(reply -> Json.ok(ctx, 200, status("up").put("rooms", reply.body().getJsonArray("rooms").size())))
        .onFailure(e -> Json.ok(ctx, 503, status("down").put("error", e.getMessage())));
  }

  private JsonObject status(String status) {
    JsonObject body = new JsonObject().put("status", status).put("uptimeMs", System.currentTimeMillis() - startedAt);
    // Clustered: the members this node sees (those that own rooms), this node first.
    Cluster.of(vertx).ifPresent(c -> body.put("node", c.nodeId()).put("members", new JsonArray(new ArrayList<>(c.members()))));
    return body;
  }
}
