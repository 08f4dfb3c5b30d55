package dev.hubbub.feed;

import dev.hubbub.support.TestHub;
import dev.hubbub.support.WsTestClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A thousand WebSocket clients join one room as fast as they can: every one is welcomed, nobody is cut off
 * as a slow consumer, and every member's last roster lists all thousand (issue 14's join storm, where a
 * full roster per join to every member sent 302 MB and cut 701 members off).
 */
@ExtendWith(VertxExtension.class)
class JoinStormTest {

  private static final int MEMBERS = 1000;
  /** Clients connecting at once: a storm, yet bounded so a loaded 2-core machine keeps up. */
  private static final int BATCH = 50;
  private static final String ROOM = "storm";

  /** What a client has seen so far, read in passes so no client's frames pile up in the test's heap. */
  private static final class Member {
    final WsTestClient client;
    int lastRoster = -1;
    /** Roster frames received and the names they listed, for the log: what the storm cost. */
    long rosters;
    long rosterNames;
    final List<String> trouble = new ArrayList<>();

    Member(WsTestClient client) {
      this.client = client;
    }

    void scan() {
      for (JsonObject frame : client.drain()) {
        switch (frame.getString("type")) {
          case "roster" -> roster(frame);
          case "error" -> trouble.add(frame.encode());
          default -> {
          }
        }
      }
    }

    void roster(JsonObject frame) {
      lastRoster = frame.getJsonArray("users").size();
      rosters++;
      rosterNames += lastRoster;
    }

    /** Waits, bounded, for a roster of everyone; fails if the last roster sent is short. */
    Future<Void> fullRoster() {
      scan();
      if (lastRoster == MEMBERS) {
        return Future.succeededFuture();
      }
      if (client.closed().isComplete()) {
        return Future.failedFuture(new AssertionError("cut off (" + client.closed().result() + " " + client.closeReason()
            + ") with a last roster of " + lastRoster));
      }
      return client.next()
          .recover(e -> Future.failedFuture(new AssertionError("the last roster listed " + lastRoster + " of " + MEMBERS, e)))
          .compose(frame -> {
            if ("roster".equals(frame.getString("type"))) {
              roster(frame);
            }
            return fullRoster();
          });
    }
  }

  // No timing assertion: about 45 s on a busy 2-core machine, 111 s once under a load average of 30 to 80.
  @Timeout(value = 300, timeUnit = TimeUnit.SECONDS)
  @Test
  void aThousandJoinOneRoomAndAllEndWithTheFullRoster(Vertx vertx, VertxTestContext ctx) {
    List<Member> members = new ArrayList<>();
    long[] startedAt = new long[1];
    TestHub.start(vertx)
        .compose(hub -> {
          startedAt[0] = System.currentTimeMillis();
          Future<Void> storm = Future.succeededFuture();
          for (int first = 0; first < MEMBERS; first += BATCH) {
            int from = first;
            storm = storm.compose(v -> batch(vertx, hub.port, from)).map(joined -> {
              members.addAll(joined);
              members.forEach(Member::scan); // keep the test's own memory bounded
              return null;
            });
          }
          return storm;
        })
        .compose(v -> {
          // Sequentially: each wait is bounded by the client's inbox time-out.
          Future<Void> all = Future.succeededFuture();
          for (Member member : members) {
            all = all.compose(x -> member.fullRoster());
          }
          return all;
        })
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          members.forEach(Member::scan);
          System.out.printf("join storm: %d roster frames listing %d names in all (%d ms)%n",
              members.stream().mapToLong(m -> m.rosters).sum(), members.stream().mapToLong(m -> m.rosterNames).sum(),
              System.currentTimeMillis() - startedAt[0]);
          assertEquals(MEMBERS, members.size(), "every client welcomed");
          for (Member member : members) {
            member.scan();
            assertFalse(member.client.closed().isComplete(), "cut off: " + member.client.closeReason());
            if (!member.trouble.isEmpty()) {
              fail("errors: " + member.trouble);
            }
            assertEquals(MEMBERS, member.lastRoster);
          }
          ctx.completeNow();
        })));
  }

  /** Connects {@link #BATCH} clients at once and joins each; completes once all are welcomed. */
  private static Future<List<Member>> batch(Vertx vertx, int port, int from) {
    List<Future<Member>> joins = new ArrayList<>();
    for (int i = from; i < Math.min(MEMBERS, from + BATCH); i++) {
      String name = "m" + i;
      joins.add(WsTestClient.connect(vertx, port).compose(c -> c.join(ROOM, name).map(welcome -> new Member(c))));
    }
    return Future.all(joins).map(all -> all.<Member>list());
  }
}
