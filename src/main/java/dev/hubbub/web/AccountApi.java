package dev.hubbub.web;

import dev.hubbub.auth.Authenticator;
import dev.hubbub.auth.Credentials;
import dev.hubbub.auth.Csrf;
import dev.hubbub.auth.HttpAuth;
import dev.hubbub.auth.Identity;
import dev.hubbub.protocol.Addresses;
import dev.hubbub.protocol.Failure;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Accounts over HTTP: register, log in, log out, who am I, delete my account, and a room's access list.
 * Register and login take JSON ({@code {username, password}} → {@code {username, roles, token, expiresAt}}
 * plus the login cookie) or the dashboard's form (answered with a redirect back to it).
 */
final class AccountApi {

  private static final int MAX_BODY = 4096;

  private final Vertx vertx;
  private final HttpAuth auth;
  private final Csrf csrf;

  AccountApi(Vertx vertx, HttpAuth auth, Csrf csrf) {
    this.vertx = vertx;
    this.auth = auth;
    this.csrf = csrf;
  }

  void mount(Router router) {
    BodyHandler body = BodyHandler.create(false).setBodyLimit(MAX_BODY);
    router.post("/api/register").handler(body).handler(csrf.protect()).handler(ctx -> credentials(ctx, Addresses.REGISTER, 201));
    router.post("/api/login").handler(body).handler(csrf.protect()).handler(ctx -> credentials(ctx, Addresses.LOGIN, 200));
    router.post("/api/logout").handler(body).handler(csrf.protect()).handler(this::logout);
    router.get("/api/me").handler(csrf.issue()).handler(this::me);
    router.delete("/api/me").handler(body).handler(csrf.protect()).handler(this::deleteMe);
    router.get("/api/rooms/:room/access").handler(this::roomAccess);
    router.put("/api/rooms/:room/access").handler(body).handler(csrf.protect()).handler(this::setRoomAccess);
  }

  /** Register or log in; a form post (the dashboard) is answered with a redirect, JSON with the token. */
  private void credentials(RoutingContext ctx, String address, int status) {
    boolean form = isForm(ctx);
    JsonObject request;
    if (form) {
      request = new JsonObject().put("username", ctx.request().getFormAttribute("username"))
          .put("password", ctx.request().getFormAttribute("password"));
    } else {
      request = Json.body(ctx);
      if (request == null) {
        return;
      }
      request = new JsonObject().put("username", request.getValue("username")).put("password", request.getValue("password"));
    }
    request.put("address", ctx.request().remoteAddress() == null ? null : ctx.request().remoteAddress().hostAddress());
    vertx.eventBus().<JsonObject>request(address, request)
        .onSuccess(reply -> {
          JsonObject user = reply.body();
          Authenticator.Issued issued = auth.authenticator().issue(user);
          auth.setCookie(ctx.request(), ctx.response(), issued);
          if (form) {
            redirect(ctx, "/dashboard");
          } else {
            Json.ok(ctx, status, new JsonObject().put("username", user.getString("username")).put("roles", user.getJsonArray("roles"))
                .put("token", issued.token()).put("expiresAt", issued.expiresAt()));
          }
        })
        .onFailure(e -> {
          if (form) {
            redirect(ctx, "/dashboard?authError=" + URLEncoder.encode(Failure.messageOf(e), StandardCharsets.UTF_8));
          } else {
            Json.failed(ctx, e);
          }
        });
  }

  /** Clears the cookie. A token itself stays valid until it expires (tokens are not stored); deleting the account revokes it. */
  private void logout(RoutingContext ctx) {
    HttpAuth.clearCookie(ctx.request(), ctx.response());
    if (isForm(ctx)) {
      redirect(ctx, "/dashboard");
    } else {
      ctx.response().setStatusCode(204).end();
    }
  }

  /**
   * {@code {authenticated: true, username, roles, expiresAt, csrfToken}}, or {@code {authenticated: false,
   * guests}} without a token; 401 for a token that does not verify (expired, forged, user gone).
   */
  private void me(RoutingContext ctx) {
    auth.identify(ctx.request())
        .onSuccess(who -> {
          JsonObject me = who.guest()
              ? new JsonObject().put("authenticated", false).put("guests", auth.guestsAdmitted())
              : new JsonObject().put("authenticated", true).put("username", who.username()).put("roles", who.roles())
                  .put("expiresAt", who.expiresAt());
          Json.ok(ctx, 200, me.put("csrfToken", Csrf.token(ctx)));
        })
        .onFailure(e -> {
          int code = Failure.codeOf(e);
          if (code == Failure.UNAUTHORIZED && Credentials.from(ctx.request().headers()) == null) {
            Json.ok(ctx, 200, new JsonObject().put("authenticated", false).put("guests", false).put("csrfToken", Csrf.token(ctx)));
          } else {
            Json.error(ctx, code, Failure.messageOf(e));
          }
        });
  }

  private void deleteMe(RoutingContext ctx) {
    user(ctx)
        .compose(who -> vertx.eventBus().<JsonObject>request(Addresses.DELETE_USER, new JsonObject().put("username", who.username())))
        .onSuccess(reply -> {
          HttpAuth.clearCookie(ctx.request(), ctx.response());
          ctx.response().setStatusCode(204).end();
        })
        .onFailure(e -> Json.failed(ctx, e));
  }

  /** {@code GET /api/rooms/{room}/access} → {@code {room, creator?, private, members}}, for whoever may read the room. */
  private void roomAccess(RoutingContext ctx) {
    auth.identify(ctx.request())
        .compose(who -> request(Addresses.ROOM_ACCESS, who.into(new JsonObject().put("room", ctx.pathParam("room")))))
        .onSuccess(reply -> Json.ok(ctx, 200, reply.body()))
        .onFailure(e -> Json.failed(ctx, e));
  }

  /** {@code PUT /api/rooms/{room}/access {private, members, creator?}}: the room's creator or an admin; only an admin assigns a creator. */
  private void setRoomAccess(RoutingContext ctx) {
    JsonObject body = Json.body(ctx);
    if (body == null) {
      return;
    }
    user(ctx)
        .compose(who -> request(Addresses.SET_ROOM_ACCESS, who.into(new JsonObject().put("room", ctx.pathParam("room"))
            .put("private", body.getValue("private")).put("members", body.getValue("members")).put("creator", body.getValue("creator")))))
        .onSuccess(reply -> Json.ok(ctx, 200, reply.body()))
        .onFailure(e -> Json.failed(ctx, e));
  }

  /** A logged-in user; guests get a 401. */
  private Future<Identity> user(RoutingContext ctx) {
    return auth.identify(ctx.request()).compose(who -> who.guest()
        ? Future.failedFuture(Failure.unauthorized("log in first"))
        : Future.succeededFuture(who));
  }

  private Future<Message<JsonObject>> request(String address, JsonObject body) {
    return vertx.eventBus().request(address, body);
  }

  private static boolean isForm(RoutingContext ctx) {
    String type = String.valueOf(ctx.request().getHeader("Content-Type")).toLowerCase();
    return type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/form-data");
  }

  private static void redirect(RoutingContext ctx, String location) {
    ctx.response().setStatusCode(303).putHeader("Location", location).end();
  }
}
