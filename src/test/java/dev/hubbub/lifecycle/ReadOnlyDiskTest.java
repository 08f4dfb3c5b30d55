package dev.hubbub.lifecycle;

import dev.hubbub.support.AckedWrites;
import dev.hubbub.support.Commands;
import dev.hubbub.support.Readiness;
import dev.hubbub.support.TempDb;
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

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The file system under a running hub turns read-only, as ext4 does by itself on an I/O error
 * ({@code errors=remount-ro}): the H2 database lives on a loop-mounted ext4 image, and the test triggers the
 * kernel's own error path. Writes answer 503 "message not stored, try again" and readiness turns false; the
 * kernel keeps that file system read-only until it is mounted again, so the operator restarts the hub on a
 * writable one, which then holds every acknowledged message. Needs root and a loop device; skipped otherwise.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ReadOnlyDiskTest {

  private static final long WAIT_SECONDS = 90;
  private static final String NOT_STORED = "message not stored, try again";
  private static final String ROOM = "readonly";

  @Test
  void aFileSystemTurnedReadOnlyAnswers503TurnsReadinessFalseAndLosesNothingAcknowledged(Vertx vertx) throws Exception {
    Path work = TempDb.directory();
    Path image = work.resolve("disk.img");
    Path dir = Files.createDirectory(work.resolve("mnt"));
    if (!Commands.run("truncate", "-s", "64M", image.toString()) || !Commands.run("mkfs.ext4", "-q", "-F", image.toString())
        || !mount(image, dir)) {
      String needs = "ReadOnlyDiskTest skipped: it needs root, mkfs.ext4 and a loop device (mount -o loop)";
      System.out.println(needs);
      Assumptions.abort(needs);
    }
    JsonObject config = new JsonObject().put("db", new JsonObject().put("url", TempDb.h2Url(dir)));
    List<String> acked = new ArrayList<>();
    try {
      TestHub hub = await(TestHub.start(vertx, config));
      WebClient web = WebClient.create(vertx);
      WsTestClient ws = await(WsTestClient.live(vertx, hub.port, ROOM, "writer"));
      for (int i = 0; i < 20; i++) {
        assertEquals("ack", await(ws.chatAnswered("before " + i)).getString("type"));
        acked.add("before " + i);
      }
      // What was acknowledged reached the page cache; ext4 drops unwritten pages when it aborts its journal.
      assertTrue(Commands.run("sync", "-f", dir.toString()));
      String source = Commands.output("findmnt", "-n", "-o", "SOURCE", dir.toString());
      assertNotNull(source, "findmnt names the loop device");
      Path trigger = Path.of("/sys/fs/ext4", Path.of(source.strip()).getFileName().toString(), "trigger_fs_error");
      Assumptions.assumeTrue(Files.exists(trigger), "ReadOnlyDiskTest skipped: this kernel has no " + trigger);
      Files.writeString(trigger, "1");

      JsonObject answer = AckedWrites.untilRefused(ws, attempt -> "after " + attempt, acked, "the read-only file system");
      assertEquals(NOT_STORED, answer.getString("message"), answer.encode());
      assertEquals(503, Readiness.await(web, hub.port, 503, WAIT_SECONDS).statusCode());
      assertEquals("error", await(ws.chatAnswered("still read-only")).getString("type"), "writes keep being refused");
      hub.stop(vertx).await(WAIT_SECONDS, TimeUnit.SECONDS);
    } finally {
      if (!Commands.run("umount", dir.toString())) {
        Commands.run("umount", "-l", dir.toString());
      }
    }

    // The operator's fix: the file system mounted again, and the hub started on it.
    assertTrue(mount(image, dir), "the image mounts again");
    try {
      TestHub again = await(TestHub.start(vertx, config));
      WebClient web = WebClient.create(vertx);
      assertEquals(200, Readiness.await(web, again.port, 200, WAIT_SECONDS).statusCode());
      AckedWrites.assertStored(web, again.port, ROOM, acked);
      await(again.stop(vertx));
    } finally {
      if (!Commands.run("umount", dir.toString())) {
        Commands.run("umount", "-l", dir.toString());
      }
    }
  }

  private static boolean mount(Path image, Path dir) {
    return Commands.run("mount", "-o", "loop,errors=remount-ro", image.toString(), dir.toString());
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.await(WAIT_SECONDS, TimeUnit.SECONDS);
  }
}
