package dev.hubbub.support;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Floods a room through the REST API, which reads nothing back, so a slow-consumer test's publisher can
 * never itself be the client that falls behind.
 */
public final class Flood {

  /** Large messages fill buffers in few round trips. */
  public static final String BIG = "x".repeat(3_900);

  private Flood() {
  }

  /**
   * Enough {@link #BIG} messages to overflow what the kernel buffers for a stalled reader (the server's
   * socket send buffer can grow to tcp_wmem's maximum) by a good margin, so the bridge's own queue limit
   * must be what cuts the reader off.
   */
  public static int messagesToOverflowKernelBuffers() {
    return (int) ((maxSendBuffer() + 2 * 1024 * 1024) / BIG.length());
  }

  /** Posts {@code count} messages {@code "<n> BIG"} (n from 1) as guest {@code flood}; completes when all are stored. */
  public static Future<Void> post(WebClient web, int port, String room, int count) {
    List<Future<?>> posts = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      posts.add(web.post(port, "127.0.0.1", "/rooms/" + room + "/messages")
          .sendJsonObject(new JsonObject().put("username", "flood").put("text", i + " " + BIG))
          .compose(res -> res.statusCode() == 201 ? Future.succeededFuture() : Future.failedFuture("post: " + res.statusCode())));
    }
    return Future.all(posts).mapEmpty();
  }

  /**
   * Hub settings for a slow-consumer test of {@code messages}: a small outbound queue, a history window
   * and resume limit that hold the whole flood, and frequent live figures to see the cut-off.
   */
  public static JsonObject slowConsumerHub(int messages) {
    return new JsonObject()
        .put("limits", new JsonObject().put("outboundQueueBytes", 16 * 1024))
        .put("history", new JsonObject().put("resumeLimit", 2 * messages).put("memoryWindow", 2 * messages))
        .put("stats", new JsonObject().put("intervalMs", 50));
  }

  /** Every flooded message exactly once and in order across a cut-off and resume: seqs 1..count. */
  public static void assertAllOnceInOrder(List<Long> seqs, int count) {
    List<Long> expected = new ArrayList<>();
    for (long seq = 1; seq <= count; seq++) {
      expected.add(seq);
    }
    assertEquals(expected, seqs, "every message exactly once and in order across the cut");
  }

  private static long maxSendBuffer() {
    try {
      String[] wmem = Files.readString(Path.of("/proc/sys/net/ipv4/tcp_wmem")).trim().split("\\s+");
      return Long.parseLong(wmem[2]);
    } catch (IOException | RuntimeException e) {
      return 4L * 1024 * 1024;
    }
  }
}
