package dev.hubbub.auth;

import dev.hubbub.config.HubConfig;
import dev.hubbub.protocol.Addresses;
import dev.hubbub.protocol.Failure;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

import java.util.ArrayList;
import java.util.List;

/**
 * Issues and verifies tokens (vertx-auth-jwt), and turns a verified token into an {@link Identity}. Every
 * bridge instance creates one for its own event loop; {@link #verify} may be called from that loop and
 * completes on it.
 *
 * <p>A token is accepted only when its signature verifies with a configured key (so {@code alg: none} and
 * forgeries fail), it carries an {@code exp} that has not passed, its {@code iss} is ours (when one is
 * configured), and its {@code sub} names a user that still exists: the user is looked up on every
 * connection and request, which is also where their current roles come from. Our tokens also carry the
 * account's immutable id ({@value #ACCOUNT_CLAIM}), so a name deleted and registered again does not bring
 * the old tokens back; a token without it (an identity provider's) must have been issued ({@code iat}) no
 * earlier than the account. A claim of the wrong type is a bad token like any other (401), never an error.
 */
public final class Authenticator {

  /** The claim that names the account a token was issued to. */
  public static final String ACCOUNT_CLAIM = "aid";

  private final Vertx vertx;
  private final HubConfig.Auth config;
  private final JWTAuth jwt;

  /** A freshly issued token and when it expires (ms since the epoch). */
  public record Issued(String token, long expiresAt) {
  }

  private Authenticator(Vertx vertx, HubConfig.Auth config, JWTAuth jwt) {
    this.vertx = vertx;
    this.config = config;
    this.jwt = jwt;
  }

  /** Loads the configured keys (PEM files, JWKS document) without blocking the event loop. */
  public static Future<Authenticator> create(Vertx vertx, HubConfig.Auth config) {
    HubConfig.Jwt keys = config.jwt();
    JWTAuthOptions options = new JWTAuthOptions().setJWTOptions(new JWTOptions().setAlgorithm(keys.algorithm()));
    if (!keys.issuer().isEmpty()) {
      options.getJWTOptions().setIssuer(keys.issuer());
    }
    List<Future<?>> loads = new ArrayList<>();
    if (keys.hmac()) {
      if (keys.secret().isEmpty()) {
        return Future.failedFuture(new IllegalStateException("auth.jwt.secret is empty (the hub generates one at start-up)"));
      }
      options.addPubSecKey(new PubSecKeyOptions().setAlgorithm(keys.algorithm()).setBuffer(keys.secret()));
    } else {
      loads.add(pem(vertx, keys.publicKeyPath()).onSuccess(pem -> options.addPubSecKey(
          new PubSecKeyOptions().setAlgorithm(keys.algorithm()).setBuffer(pem))));
      loads.add(pem(vertx, keys.privateKeyPath()).onSuccess(pem -> options.addPubSecKey(
          new PubSecKeyOptions().setAlgorithm(keys.algorithm()).setBuffer(pem))));
    }
    if (!keys.jwksUrl().isEmpty()) {
      loads.add(jwks(vertx, keys.jwksUrl()).onSuccess(found -> found.forEach(k -> options.addJwk((JsonObject) k))));
    }
    return Future.all(loads).map(v -> new Authenticator(vertx, config, JWTAuth.create(vertx, options)));
  }

  /**
   * A token for the account {@code user} ({@code {username, account}} as {@code Addresses.USER} answers it),
   * valid for {@code auth.jwt.expirySeconds}. Roles are not put in it: they are looked up.
   */
  public Issued issue(JsonObject user) {
    String username = user.getString("username");
    int seconds = config.jwt().expirySeconds();
    long expiresAt = (System.currentTimeMillis() / 1000 + seconds) * 1000;
    JWTOptions options = new JWTOptions().setAlgorithm(config.jwt().algorithm()).setExpiresInSeconds(seconds).setSubject(username);
    if (!config.jwt().issuer().isEmpty()) {
      options.setIssuer(config.jwt().issuer());
    }
    return new Issued(jwt.generateToken(new JsonObject().put(ACCOUNT_CLAIM, user.getString("account")), options), expiresAt);
  }

  /**
   * The identity a token proves, or a failed future with a {@link Failure.Rejected} 401 whose message
   * says why (invalid, expired, user gone). Never a guest: a bad token is refused, not downgraded.
   */
  public Future<Identity> verify(Credentials credentials) {
    if (credentials == null || credentials.token().isEmpty()) {
      return Future.failedFuture(Failure.unauthorized("invalid token"));
    }
    Future<io.vertx.ext.auth.User> authenticated;
    try {
      // The JWT library may throw, rather than fail, on a signed token whose claims have the wrong types.
      authenticated = jwt.authenticate(new TokenCredentials(credentials.token()));
    } catch (RuntimeException e) {
      authenticated = Future.failedFuture(e);
    }
    return authenticated
        .recover(e -> Future.failedFuture(Failure.unauthorized(String.valueOf(e.getMessage()).contains("expired")
            ? "token expired: log in again" : "invalid token")))
        .compose(user -> {
          JsonObject claims = user.attributes().getJsonObject("accessToken", new JsonObject());
          Object sub = claims.getValue("sub");
          Object exp = claims.getValue("exp");
          Object account = claims.getValue(ACCOUNT_CLAIM);
          Object iat = claims.getValue("iat");
          if (!(sub instanceof String name) || name.isEmpty() || !(exp instanceof Number expiry)
              || account != null && !(account instanceof String) || iat != null && !(iat instanceof Number)) {
            return Future.failedFuture(Failure.unauthorized("invalid token: it must name its user (sub) and expire (exp)"));
          }
          return vertx.eventBus().<JsonObject>request(Addresses.USER, new JsonObject().put("username", name))
              .recover(e -> Future.failedFuture(e instanceof ReplyException r && r.failureCode() == Failure.NOT_FOUND
                  ? Failure.unauthorized("invalid token: the user no longer exists") : e))
              .compose(reply -> {
                JsonObject found = reply.body();
                if (!sameAccount(found, (String) account, (Number) iat)) {
                  return Future.failedFuture(Failure.unauthorized("invalid token: it was issued to an account that no longer exists"));
                }
                List<String> roles = new ArrayList<>();
                found.getJsonArray("roles", new JsonArray()).forEach(r -> roles.add(String.valueOf(r)));
                return Future.succeededFuture(Identity.user(found.getString("username"), found.getString("account"), roles, expiry.longValue() * 1000));
              });
        })
        .recover(e -> Future.failedFuture(e instanceof Failure.Rejected || e instanceof ReplyException ? e : Failure.unauthorized("invalid token")));
  }

  /** Whether a token with these claims was issued to the account {@code found} rather than to an earlier holder of its name. */
  private static boolean sameAccount(JsonObject found, String account, Number iat) {
    if (account != null) {
      return account.equals(found.getString("account"));
    }
    return iat != null && iat.longValue() >= found.getLong("createdAt", Long.MAX_VALUE) / 1000;
  }

  private static Future<String> pem(Vertx vertx, String path) {
    return vertx.fileSystem().readFile(path).map(Buffer::toString)
        .recover(e -> Future.failedFuture(new IllegalStateException("cannot read PEM key " + path + ": " + e.getMessage())));
  }

  /** The {@code keys} of a JWKS document; fetched once at start-up. */
  private static Future<JsonArray> jwks(Vertx vertx, String url) {
    HttpClient client = vertx.createHttpClient();
    return client.request(new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url))
        .compose(request -> request.send())
        .compose(response -> response.statusCode() == 200 ? response.body()
            : Future.failedFuture(new IllegalStateException("JWKS " + url + " answered " + response.statusCode())))
        .map(body -> body.toJsonObject().getJsonArray("keys", new JsonArray()))
        .eventually(client::close);
  }
}
