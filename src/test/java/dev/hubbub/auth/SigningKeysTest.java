package dev.hubbub.auth;

import dev.hubbub.support.Accounts;
import dev.hubbub.support.TestHub;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Other ways to sign: RS256 with PEM files, and a random HMAC secret when none is configured. */
@ExtendWith(VertxExtension.class)
class SigningKeysTest {

  @Test
  void rs256TokensFromPemKeysWorkAndAnHmacTokenIsRefused(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair keys = generator.generateKeyPair();
    Path privatePem = dir.resolve("private.pem");
    Path publicPem = dir.resolve("public.pem");
    Files.writeString(privatePem, pem("PRIVATE KEY", keys.getPrivate().getEncoded()), StandardCharsets.US_ASCII);
    Files.writeString(publicPem, pem("PUBLIC KEY", keys.getPublic().getEncoded()), StandardCharsets.US_ASCII);
    WebClient web = WebClient.create(vertx);
    JsonObject jwt = new JsonObject().put("algorithm", "RS256").put("privateKeyPath", privatePem.toString()).put("publicKeyPath", publicPem.toString());
    TestHub.start(vertx, new JsonObject().put("auth", new JsonObject().put("jwt", jwt)))
        .compose(hub -> Accounts.register(web, hub.port, "alice").compose(alice -> {
          String header = new String(Base64.getUrlDecoder().decode(alice.getString("token").split("\\.")[0]), StandardCharsets.UTF_8);
          assertTrue(header.contains("RS256"), header);
          return web.get(hub.port, "127.0.0.1", "/api/me").putHeader("Authorization", Accounts.bearer(alice.getString("token"))).send();
        }).compose(me -> {
          assertEquals(200, me.statusCode());
          assertEquals("alice", me.bodyAsJsonObject().getString("username"));
          // An HS256 token, e.g. signed with the public key as a secret (algorithm confusion), does not verify.
          String confused = Accounts.token(vertx, readQuietly(publicPem), "alice", 3600);
          return web.get(hub.port, "127.0.0.1", "/api/me").putHeader("Authorization", Accounts.bearer(confused)).send();
        }))
        .onComplete(ctx.succeeding(refused -> ctx.verify(() -> {
          assertEquals(401, refused.statusCode(), refused.bodyAsString());
          ctx.completeNow();
        })));
  }

  @Test
  void withoutASecretTheHubMakesOneUpAndItsTokensWork(Vertx vertx, VertxTestContext ctx) {
    WebClient web = WebClient.create(vertx);
    TestHub.start(vertx, new JsonObject().put("auth", new JsonObject().put("jwt", new JsonObject().put("secret", ""))))
        .compose(hub -> Accounts.register(web, hub.port, "alice").compose(alice -> {
          // Not signed with the test secret any more...
          String ours = Accounts.token(vertx, "alice", 3600);
          return web.get(hub.port, "127.0.0.1", "/api/me").putHeader("Authorization", Accounts.bearer(ours)).send()
              .compose(refused -> {
                assertEquals(401, refused.statusCode());
                // ...but with the one the hub made up, which every HTTP instance shares.
                return web.get(hub.port, "127.0.0.1", "/api/me").putHeader("Authorization", Accounts.bearer(alice.getString("token"))).send();
              });
        }))
        .onComplete(ctx.succeeding(me -> ctx.verify(() -> {
          assertEquals(200, me.statusCode(), me.bodyAsString());
          ctx.completeNow();
        })));
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  private static String readQuietly(Path path) {
    try {
      return Files.readString(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
