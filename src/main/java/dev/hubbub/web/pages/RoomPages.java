package dev.hubbub.web.pages;

import dev.hubbub.auth.Csrf;
import dev.hubbub.auth.HttpAuth;
import dev.hubbub.auth.Identity;
import dev.hubbub.auth.RoomAccess;
import dev.hubbub.config.HubConfig;
import dev.hubbub.feed.RoomOwners;
import dev.hubbub.limits.ClientAddress;
import dev.hubbub.limits.Limits;
import dev.hubbub.limits.RateGate;
import dev.hubbub.protocol.Ack;
import dev.hubbub.protocol.Addresses;
import dev.hubbub.protocol.Failure;
import dev.hubbub.protocol.Rules;
import dev.hubbub.protocol.WriteCommand;
import dev.hubbub.stats.Watchers;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The server-rendered room page and its message post. The page paints the latest history and roster
 * from the core, then htmx follows the room's event stream from the last rendered {@code seq}. Posting
 * works three ways: an htmx form (answered with the form fragment), a plain HTML form (answered with a
 * redirect back to the page, POST-redirect-GET) and JSON (answered with {@code {id, seq, ts}}).
 */
public final class RoomPages {

  private static final Logger log = LoggerFactory.getLogger(RoomPages.class);

  /** Remembers the name a guest typed in the form. */
  static final String USERNAME_COOKIE = "hubbub_username";
  private static final long COOKIE_MAX_AGE_S = 30L * 24 * 3600;

  private final Vertx vertx;
  private final HubConfig config;
  private final Views views;
  private final HttpAuth auth;
  private final Handler<RoutingContext> issueCsrf;
  private final Handler<RoutingContext> checkCsrf;

  /** {@code issueCsrf} gives pages a CSRF token; {@code checkCsrf} checks it on posts that need one. */
  public RoomPages(Vertx vertx, HubConfig config, Views views, HttpAuth auth, Handler<RoutingContext> issueCsrf,
                   Handler<RoutingContext> checkCsrf) {
    this.vertx = vertx;
    this.config = config;
    this.views = views;
    this.auth = auth;
    this.issueCsrf = issueCsrf;
    this.checkCsrf = checkCsrf;
  }

  public void mount(Router router) {
    router.get("/rooms").handler(this::open);
    router.get("/rooms/:room").handler(issueCsrf).handler(this::page);
    router.get("/rooms/:room/search").handler(this::search);
    router.get("/rooms/:room/watchers").handler(this::watchers);
    router.post("/rooms/:room/messages")
        .handler(BodyHandler.create(false).setBodyLimit(config.limits().maxFrameBytes()))
        .handler(checkCsrf)
        .handler(this::post)
        .failureHandler(this::postRefused);
  }

  /**
   * A post stopped before {@link #post}: too large, or (403) a CSRF token that no longer verifies, as after
   * a restart. Pages get HTML, never raw JSON: htmx gets the form back with the text kept and no token
   * ({@code data-csrf="expired"}), so pages.js fetches a fresh token and sends once more.
   */
  private void postRefused(RoutingContext ctx) {
    int status = ctx.statusCode() == 413 || ctx.statusCode() == 403 ? ctx.statusCode() : 400;
    String message = status == 413 ? "message too large"
        : status == 403 ? "the page's security token is no longer valid (was the hub restarted?)" : "bad request";
    String type = String.valueOf(ctx.request().getHeader("Content-Type")).toLowerCase();
    boolean form = type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/form-data");
    String room = form ? roomOrAnswer(ctx) : null;
    if (room == null) {
      Pages.json(ctx, status, message);
      return;
    }
    if (!"true".equals(ctx.request().getHeader("HX-Request"))) {
      Pages.html(ctx, status, views.error(status, message + ": go back, reload the page and send again"));
      return;
    }
    String username = orEmpty(ctx.request().getFormAttribute("username"));
    String text = orEmpty(ctx.request().getFormAttribute("text"));
    auth.identify(ctx.request()).otherwise(Identity.guest(null)).onSuccess(who -> Pages.html(ctx, status, views.postForm(
        new PostForm(room, who.guest() ? username : who.username(), !who.guest(), text,
            status == 403 ? message + ": renewing it and sending again…" : message, true, config.limits().maxTextChars(),
            status == 403 ? null : ""))));
  }

  /** {@code GET /rooms?room=name}: the dashboard's "open room" form, without JavaScript. */
  private void open(RoutingContext ctx) {
    String room = ctx.queryParams().get("room");
    try {
      room = Rules.room(new JsonObject().put("room", room));
    } catch (Failure.Rejected e) {
      errorPage(ctx, e);
      return;
    }
    ctx.response().setStatusCode(303).putHeader("Location", "/rooms/" + room).end();
  }

  /** The page, for whoever may read the room: 401 without a usable token when guests are not admitted, 403 for a members-only room. */
  private void page(RoutingContext ctx) {
    String room = roomOrAnswer(ctx);
    if (room == null) {
      return;
    }
    auth.identify(ctx.request())
        .onSuccess(reader -> renderRoom(ctx, 200, reader, form(ctx, room, reader, "", null, false)))
        .onFailure(e -> errorPage(ctx, e));
  }

  /**
   * {@code GET /rooms/{room}/search?q=}: the room's messages containing {@code q}, ignoring case, as the
   * core's {@code messages} query finds them for this reader. htmx gets the results fragment; a plain
   * browser gets a page. A refused query (bad room or text, no access) keeps its 4xx status.
   */
  private void search(RoutingContext ctx) {
    boolean htmx = "true".equals(ctx.request().getHeader("HX-Request"));
    String q = orEmpty(ctx.queryParams().get("q")).strip();
    String room = roomOrAnswer(ctx);
    if (room == null) {
      return;
    }
    Future<SearchView> found = q.isEmpty()
        ? Future.succeededFuture(new SearchView(room, q, List.of(), false, null, views.assets()))
        : auth.identify(ctx.request())
            .compose(reader -> request(Addresses.MESSAGES, reader.into(new JsonObject().put("room", room).put("q", q))))
            .map(reply -> new SearchView(room, q,
                reply.body().getJsonArray("messages").stream().map(m -> MessageView.current((JsonObject) m)).toList(),
                reply.body().getBoolean("more", false), null, views.assets()));
    found.onSuccess(view -> Pages.html(ctx, 200, htmx ? views.searchResults(view) : views.searchPage(view)))
        .onFailure(e -> {
          SearchView refused = new SearchView(room, q, List.of(), false, Failure.messageOf(e), views.assets());
          Pages.html(ctx, Failure.codeOf(e), htmx ? views.searchResults(refused) : views.searchPage(refused));
        });
  }

  private PostForm form(RoutingContext ctx, String room, Identity who, String text, String error, boolean focus) {
    String name = who.guest() ? (who.username() != null ? who.username() : rememberedName(ctx)) : who.username();
    return new PostForm(room, name, !who.guest(), text, error, focus, config.limits().maxTextChars(), ctx.get(Csrf.HEADER));
  }

  /** {@code GET /rooms/{room}/watchers}: the page's watcher count, a fragment htmx polls; for whoever may read the room. */
  private void watchers(RoutingContext ctx) {
    String room = roomOrAnswer(ctx);
    if (room == null) {
      return;
    }
    auth.identify(ctx.request())
        .compose(reader -> RoomAccess.requireRead(vertx.eventBus(), room, reader))
        .onSuccess(v -> Pages.html(ctx, 200, views.watchers(room, Watchers.of(vertx).count(room))))
        .onFailure(e -> errorPage(ctx, e));
  }

  private void renderRoom(RoutingContext ctx, int status, Identity reader, PostForm form) {
    String room = form.room();
    Future.all(request(Addresses.HISTORY, reader.into(new JsonObject().put("room", room))),
            request(Addresses.ROSTER, reader.into(new JsonObject().put("room", room))))
        .map(replies -> {
          Message<JsonObject> history = replies.resultAt(0);
          Message<JsonObject> roster = replies.resultAt(1);
          List<JsonObject> events = history.body().getJsonArray("messages").stream().map(JsonObject.class::cast).toList();
          return views.room(new RoomView(room, Transcript.fold(events), Views.users(roster.body()), form, views.assets(),
              history.body().getString("epoch", ""), Watchers.of(vertx).count(room)));
        })
        // A page that fails to render is answered too (500), never left hanging.
        .onSuccess(page -> Pages.html(ctx, status, page))
        .onFailure(e -> errorPage(ctx, e));
  }

  private void post(RoutingContext ctx) {
    String contentType = String.valueOf(ctx.request().getHeader("Content-Type")).toLowerCase();
    if (contentType.startsWith("application/json")) {
      postJson(ctx);
    } else if (contentType.startsWith("application/x-www-form-urlencoded") || contentType.startsWith("multipart/form-data")) {
      postForm(ctx);
    } else {
      Pages.json(ctx, 415, "send a form (application/x-www-form-urlencoded) or JSON {username, text}");
    }
  }

  private void postJson(RoutingContext ctx) {
    JsonObject body;
    String room;
    try {
      room = room(ctx);
      body = ctx.body().asJsonObject();
      if (body == null) {
        throw Failure.badRequest("expected a JSON object {username, text}");
      }
    } catch (DecodeException | ClassCastException e) {
      Pages.json(ctx, 400, "expected a JSON object {username, text}");
      return;
    } catch (Failure.Rejected e) {
      Pages.json(ctx, e.code, e.getMessage());
      return;
    }
    auth.author(ctx.request(), body.getValue("username"))
        .compose(who -> chat(room, who, body.getValue("text"), ctx.request().remoteAddress()))
        .onSuccess(reply -> Pages.json(ctx, 201, reply.toJson()))
        .onFailure(e -> Pages.json(ctx, Failure.codeOf(e), Failure.messageOf(e)));
  }

  private void postForm(RoutingContext ctx) {
    boolean htmx = "true".equals(ctx.request().getHeader("HX-Request"));
    String room = roomOrAnswer(ctx);
    if (room == null) {
      return;
    }
    String username = ctx.request().getFormAttribute("username");
    String text = ctx.request().getFormAttribute("text");
    Future<Identity> author = auth.author(ctx.request(), username);
    author.compose(who -> chat(room, who, text, ctx.request().remoteAddress()))
        .onSuccess(reply -> {
          Identity who = author.result();
          if (who.guest()) {
            remember(ctx, who.username());
          }
          if (htmx) {
            // The message itself arrives over the event stream like everyone else's; the form just empties.
            Pages.html(ctx, 200, views.postForm(form(ctx, room, who, "", null, true)));
          } else {
            ctx.response().setStatusCode(303).putHeader("Location", "/rooms/" + room).end();
          }
        })
        .onFailure(e -> {
          int status = Failure.codeOf(e);
          if (status == Failure.UNAUTHORIZED) {
            // No usable token: nothing to show the room with.
            Pages.html(ctx, status, htmx ? views.notice(Failure.messageOf(e)) : views.error(status, Failure.messageOf(e)));
            return;
          }
          // A refused guest name leaves an anonymous reader, who gets the form back with what was typed.
          Identity who = author.succeeded() ? author.result() : Identity.guest(null);
          PostForm refused = new PostForm(room, who.guest() ? orEmpty(username) : who.username(), !who.guest(), orEmpty(text),
              Failure.messageOf(e), true, config.limits().maxTextChars(), ctx.get(Csrf.HEADER));
          if (htmx) {
            Pages.html(ctx, status, views.postForm(refused));
          } else {
            renderRoom(ctx, status, who, refused);
          }
        });
  }

  /** Sends the chat command as {@code who}; the name, the room and the text are checked as the core checks them. */
  private Future<Ack> chat(String room, Identity who, Object text, io.vertx.core.net.SocketAddress from) {
    String rateKey = Identity.rateKey(who);
    if (rateKey != null && !Limits.of(vertx).tryMessage(config.abuse(), rateKey, System.nanoTime())) {
      return Future.failedFuture(new Failure.Rejected(Failure.TOO_MANY, RateGate.REFUSED)); // the same identity rate as REST
    }
    WriteCommand post;
    try {
      post = WriteCommand.parse(Addresses.CHAT, new JsonObject().put("room", room).put("text", text), who.actor(),
          ClientAddress.host(from), config.limits().maxTextChars());
    } catch (Failure.Rejected e) {
      return Future.failedFuture(e);
    }
    return vertx.eventBus().<Ack>request(RoomOwners.of(vertx).address(room, Addresses.CHAT), post).map(Message::body);
  }

  private Future<Message<JsonObject>> request(String address, JsonObject body) {
    return vertx.eventBus().request(address, body);
  }

  /** The room named in the path, or null after answering an error page for a bad name. */
  private String roomOrAnswer(RoutingContext ctx) {
    try {
      return room(ctx);
    } catch (Failure.Rejected e) {
      errorPage(ctx, e);
      return null;
    }
  }

  private void errorPage(RoutingContext ctx, Throwable failure) {
    int status = Failure.codeOf(failure);
    if (status == 500) {
      log.error("{} failed", ctx.request().path(), failure);
    }
    Pages.html(ctx, status, views.error(status, Failure.messageOf(failure)));
  }

  private static String room(RoutingContext ctx) {
    return Rules.room(new JsonObject().put("room", ctx.pathParam("room")));
  }

  private static void remember(RoutingContext ctx, String username) {
    ctx.response().addCookie(Cookie.cookie(USERNAME_COOKIE, URLEncoder.encode(username, StandardCharsets.UTF_8))
        .setPath("/").setHttpOnly(true).setSameSite(CookieSameSite.LAX).setMaxAge(COOKIE_MAX_AGE_S));
  }

  private static String rememberedName(RoutingContext ctx) {
    Cookie cookie = ctx.request().getCookie(USERNAME_COOKIE);
    if (cookie == null || cookie.getValue().length() > 256) {
      return "";
    }
    try {
      return URLDecoder.decode(cookie.getValue(), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return "";
    }
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }
}
