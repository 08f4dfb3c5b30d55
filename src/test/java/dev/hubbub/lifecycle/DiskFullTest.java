package dev.hubbub.lifecycle;

import dev.hubbub.support.AckedWrites;
import dev.hubbub.support.Commands;
import dev.hubbub.support.TempDb;
import dev.hubbub.support.Readiness;
import dev.hubbub.support.TestHub;
import dev.hubbub.support.WsTestClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A full disk under a running hub: the H2 database lives on a small tmpfs, which a filler file then fills.
 * Writes answer 503 "message not stored, try again" and readiness turns false; once the filler is removed
 * the hub takes writes again by itself, readiness is true, and every acknowledged message is stored. Needs
 * root (to mount the tmpfs); skipped otherwise, saying so.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class DiskFullTest {

  private static final long WAIT_SECONDS = 90;
  private static final String NOT_STORED = "message not stored, try again";
  private static final String ROOM = "diskfull";

  @Test
  void aFullDiskAnswers503TurnsReadinessFalseAndHeals(Vertx vertx) throws Exception {
    Path dir = TempDb.directory();
    if (!Commands.run("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", dir.toString())) {
      String needs = "DiskFullTest skipped: it needs root to mount a small tmpfs (mount -t tmpfs)";
      System.out.println(needs);
      Assumptions.abort(needs);
    }
    Path filler = dir.resolve("filler");
    try {
      TestHub hub = await(TestHub.start(vertx, new JsonObject().put("db", new JsonObject().put("url", TempDb.h2Url(dir)))));
      WebClient web = WebClient.create(vertx);
      WsTestClient ws = await(WsTestClient.live(vertx, hub.port, ROOM, "writer"));
      List<String> acked = new ArrayList<>();
      assertEquals("ack", await(ws.chatAnswered("before")).getString("type"));
      acked.add("before");

      fill(filler);
      // Whatever the database still had room for may be acknowledged (and must then be stored); then 503.
      JsonObject answer = AckedWrites.untilRefused(ws, attempt -> "full " + attempt + " " + "x".repeat(2000), acked, "the full disk");
      assertEquals(NOT_STORED, answer.getString("message"), answer.encode());
      assertEquals(503, Readiness.await(web, hub.port, 503, WAIT_SECONDS).statusCode());

      Files.delete(filler);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
      int attempt = 0;
      do {
        assertTrue(System.nanoTime() < deadline, "the hub never took a write again after space was freed");
        answer = await(ws.chatAnswered("retry " + attempt++));
      } while (!"ack".equals(answer.getString("type")));
      acked.add("retry " + (attempt - 1));
      assertEquals(200, Readiness.await(web, hub.port, 200, WAIT_SECONDS).statusCode());

      AckedWrites.assertStored(web, hub.port, ROOM, acked);
      await(hub.stop(vertx));
    } finally {
      Files.deleteIfExists(filler);
      Commands.run("umount", "-l", dir.toString());
    }
  }

  /** Writes zeros until the file system is full. */
  private static void fill(Path filler) throws IOException {
    byte[] block = new byte[64 * 1024];
    try (OutputStream out = Files.newOutputStream(filler)) {
      while (true) {
        out.write(block);
      }
    } catch (IOException full) {
      // No space left on device: the point.
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.await(WAIT_SECONDS, TimeUnit.SECONDS);
  }
}
