package dev.hubbub.support;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The storage fault tests' two halves: write until the hub refuses, then check that every ack was kept. */
public final class AckedWrites {

  private static final long WAIT_SECONDS = 90;
  private static final int MAX_WRITES = 200;

  private AckedWrites() {
  }

  /**
   * Chats {@code text.apply(0)}, {@code text.apply(1)}... until one is refused, adding each acknowledged text to
   * {@code acked} (whatever the store still took before it failed must be kept), and returns the refusal.
   */
  public static JsonObject untilRefused(WsTestClient ws, IntFunction<String> text, List<String> acked, String fault) throws Exception {
    for (int attempt = 0; attempt < MAX_WRITES; attempt++) {
      String sent = text.apply(attempt);
      JsonObject answer = ws.chatAnswered(sent).await(WAIT_SECONDS, TimeUnit.SECONDS);
      if (!"ack".equals(answer.getString("type"))) {
        return answer;
      }
      acked.add(sent);
    }
    throw new AssertionError(fault + " was never noticed: " + MAX_WRITES + " writes acknowledged");
  }

  /** Every text of {@code acked} is in {@code room}'s stored history (its latest 200 messages). */
  public static void assertStored(WebClient web, int port, String room, List<String> acked) throws Exception {
    List<String> stored = new ArrayList<>();
    web.get(port, "127.0.0.1", "/api/rooms/" + room + "/messages?limit=200").send().await(WAIT_SECONDS, TimeUnit.SECONDS)
        .bodyAsJsonObject().getJsonArray("messages").forEach(m -> stored.add(((JsonObject) m).getString("text")));
    assertTrue(stored.containsAll(acked), "acknowledged but not stored: " + acked.stream().filter(a -> !stored.contains(a)).toList());
  }
}
