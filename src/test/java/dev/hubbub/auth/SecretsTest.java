package dev.hubbub.auth;

import dev.hubbub.support.Accounts;
import dev.hubbub.support.TempDb;
import dev.hubbub.support.TestHub;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The signing secrets: a short HMAC secret stops start-up; an unset one is generated once and kept, so restarts keep sessions. */
@ExtendWith(VertxExtension.class)
class SecretsTest {

  private static JsonObject jwtSecret(String secret) {
    return new JsonObject().put("auth", new JsonObject().put("jwt", new JsonObject().put("secret", secret)));
  }

  @Test
  void aShortHmacSecretIsRefusedAtStartUp(Vertx vertx, VertxTestContext ctx) {
    TestHub.start(vertx, jwtSecret("a"))
        .onComplete(ctx.failing(e -> ctx.verify(() -> {
          assertTrue(e.getMessage().contains("HUBBUB_AUTH_JWT_SECRET") && e.getMessage().contains("at least 32"), e.getMessage());
          ctx.completeNow();
        })));
  }

  @Test
  void thirtyOneBytesAreStillTooFew(Vertx vertx, VertxTestContext ctx) {
    TestHub.start(vertx, jwtSecret("x".repeat(31)))
        .onComplete(ctx.failing(e -> ctx.verify(() -> {
          assertTrue(e.getMessage().contains("31 bytes"), e.getMessage());
          ctx.completeNow();
        })));
  }

  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  void generatedSecretsAreKeptInTheDataDirectorySoARestartKeepsSessions(Vertx vertx, VertxTestContext ctx) {
    WebClient web = WebClient.create(vertx);
    String url = TempDb.freshH2Url();
    Path dir = Path.of(url.substring("jdbc:h2:file:".length())).getParent();
    JsonObject unset = new JsonObject().put("db", new JsonObject().put("url", url))
        .put("auth", new JsonObject().put("csrfSecret", "").put("jwt", new JsonObject().put("secret", "")));
    String[] token = new String[1];
    TestHub.start(vertx, unset)
        .compose(first -> Accounts.register(web, first.port, "alice").compose(alice -> {
          token[0] = alice.getString("token");
          return first.stop(vertx);
        }))
        .compose(stopped -> {
          Path kept = dir.resolve("hubbub-secrets.json");
          ctx.verify(() -> {
            assertTrue(Files.exists(kept), "kept in " + dir);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(kept)), "readable by the owner only");
            assertFalse(Files.readString(kept).contains(token[0]));
          });
          return TestHub.start(vertx, unset);
        })
        .compose(second -> web.get(second.port, "127.0.0.1", "/api/me").putHeader("Authorization", Accounts.bearer(token[0])).send()
            .compose(me -> {
              assertEquals(200, me.statusCode(), "the token survives the restart: " + me.bodyAsString());
              return second.stop(vertx);
            }))
        // A configured secret still wins over the kept one.
        .compose(v -> TestHub.start(vertx, unset.copy().put("auth", new JsonObject().put("jwt", new JsonObject().put("secret", TestHub.JWT_SECRET)))))
        .compose(third -> web.get(third.port, "127.0.0.1", "/api/me").putHeader("Authorization", Accounts.bearer(token[0])).send())
        .onComplete(ctx.succeeding(me -> ctx.verify(() -> {
          assertEquals(401, me.statusCode(), "signed with the kept secret, not the configured one: " + me.bodyAsString());
          ctx.completeNow();
        })));
  }

  @Test
  void theDataDirectoryIsTheH2DatabasesOrElseDotData() {
    assertEquals(Path.of("data").toAbsolutePath().normalize(), Secrets.dataDirectory("jdbc:h2:file:./data/hubbub").normalize());
    assertEquals(Path.of("/srv/chat"), Secrets.dataDirectory("jdbc:h2:/srv/chat/hubbub;MODE=PostgreSQL"));
    assertEquals(Path.of("data"), Secrets.dataDirectory("jdbc:postgresql://db:5432/hubbub"));
    assertNull(Secrets.dataDirectory("memory"), "nothing is kept for the in-memory store");
    assertNull(Secrets.dataDirectory("jdbc:h2:mem:test"));
  }
}
