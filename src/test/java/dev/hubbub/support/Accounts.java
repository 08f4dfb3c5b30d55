package dev.hubbub.support;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Accounts and tokens for tests: registration through the API, and hand-made tokens good and bad. */
public final class Accounts {

  public static final String PASSWORD = "correct horse battery";
  public static final String LOGIN_COOKIE = "hubbub_token";

  private Accounts() {
  }

  /** Registers {@code username}; completes with {@code {username, roles, token, expiresAt}}. */
  public static Future<JsonObject> register(WebClient web, int port, String username) {
    return web.post(port, "127.0.0.1", "/api/register")
        .sendJsonObject(new JsonObject().put("username", username).put("password", PASSWORD))
        .compose(r -> r.statusCode() == 201 ? Future.succeededFuture(r.bodyAsJsonObject())
            : Future.failedFuture(new AssertionError("register " + username + ": " + r.statusCode() + " " + r.bodyAsString())));
  }

  /** Deletes the account the token belongs to. */
  public static Future<HttpResponse<Buffer>> delete(WebClient web, int port, String token) {
    return web.delete(port, "127.0.0.1", "/api/me").putHeader("Authorization", "Bearer " + token).send();
  }

  public static String bearer(String token) {
    return "Bearer " + token;
  }

  /** A token for {@code sub} (as an identity provider would make it: no account claim) signed with {@code secret}, expiring {@code expiresInSeconds} from now (negative: already expired). */
  public static String token(Vertx vertx, String secret, String sub, long expiresInSeconds) {
    JWTAuth jwt = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret)));
    long now = System.currentTimeMillis() / 1000;
    // iat: a token without the account claim must not be older than the account it names.
    JsonObject claims = new JsonObject().put("exp", now + expiresInSeconds).put("iss", "hubbub").put("iat", now);
    return jwt.generateToken(claims, new JWTOptions().setSubject(sub).setNoTimestamp(true));
  }

  /** A token signed with the test hubs' secret. */
  public static String token(Vertx vertx, String sub, long expiresInSeconds) {
    return token(vertx, TestHub.JWT_SECRET, sub, expiresInSeconds);
  }

  /** An unsigned token ({@code alg: none}) claiming to be {@code sub}. */
  public static String unsigned(String sub) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String header = b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
    String payload = b64.encodeToString(new JsonObject().put("sub", sub).put("iss", "hubbub")
        .put("exp", System.currentTimeMillis() / 1000 + 3600).encode().getBytes(StandardCharsets.UTF_8));
    return header + "." + payload + ".";
  }
}
