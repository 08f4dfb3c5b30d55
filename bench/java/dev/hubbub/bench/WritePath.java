package dev.hubbub.bench;

import dev.hubbub.auth.Identity;
import dev.hubbub.config.ConfigLoader;
import dev.hubbub.config.HubConfig;
import dev.hubbub.feed.RoomOwners;
import dev.hubbub.feed.SequencerVerticle;
import dev.hubbub.protocol.Actor;
import dev.hubbub.protocol.Addresses;
import dev.hubbub.protocol.WriteCommand;
import dev.hubbub.store.CommitGroup;
import dev.hubbub.store.Databases;
import dev.hubbub.store.HistoryStores;
import dev.hubbub.store.JdbcHistoryStore;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The sequencer's write path alone, in one JVM, no sockets: the hub's sequencer shards on an embedded H2
 * file, committing each on its own ({@code alone}) or through one {@link CommitGroup} ({@code group}),
 * alternated so both see the same machine. Measures the process CPU per stored message at S2's rate
 * (2,000 chats/s over 100 rooms), and S6's closed loop (20 rooms, 100 acked chats in flight each).
 *
 * <p>Each chat is the typed {@code WriteCommand.Post} the hub's bridges send; with {@code -Dhubbub.bench.json=true}, the
 * JSON body a bridge client sends (parsed and checked by the shard, answered in JSON).
 *
 * <pre>java -cp ... dev.hubbub.bench.WritePath [rounds] [seconds] [alone,group] [S2,S6]</pre>
 */
public final class WritePath {

  private WritePath() {
  }

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 5;
    System.out.println("load average at start: " + Files.readString(Path.of("/proc/loadavg")).trim());
    for (int round = 1; round <= rounds; round++) {
      for (String mode : new String[] {"alone", "group"}) {
        if (args.length > 2 && !args[2].contains(mode)) {
          continue;
        }
        if (args.length <= 3 || args[3].contains("S2")) {
          System.out.println("round " + round + " " + mode + " S2-rate: " + run(mode, false, seconds));
        }
        if (args.length <= 3 || args[3].contains("S6")) {
          System.out.println("round " + round + " " + mode + " S6-loop: " + run(mode, true, seconds));
        }
      }
    }
    System.out.println("load average at end: " + Files.readString(Path.of("/proc/loadavg")).trim());
    System.exit(0);
  }

  private static String run(String mode, boolean closedLoop, double seconds) throws Exception {
    Vertx vertx = Vertx.vertx();
    Path dir = Files.createTempDirectory("hubbub-writepath");
    JsonObject settings = ConfigLoader.defaults();
    // -Dhubbub.bench.h2=";PAGE_SIZE=1024" tries an H2 setting on the same path.
    settings.getJsonObject("db").put("url", "jdbc:h2:file:" + dir.resolve("hubbub").toAbsolutePath() + System.getProperty("hubbub.bench.h2", ""));
    // -Dhubbub.bench.db=memory: the in-memory store, so what is measured is the command path rather than H2's commits.
    if ("memory".equals(System.getProperty("hubbub.bench.db"))) {
      settings.getJsonObject("db").put("url", "memory");
    }
    HubConfig config = HubConfig.from(settings);
    try {
      Pool pool = await(Databases.open(vertx, config.db()));
      vertx.eventBus().<JsonObject>consumer(Addresses.ACCESS, m ->
          m.reply(new JsonObject().put("room", m.body().getString("room")).put("read", true).put("write", true)));
      Context home = vertx.getOrCreateContext();
      // -Dhubbub.bench.depth=2 tries a group with two transactions in flight.
      int depth = Integer.getInteger("hubbub.bench.depth", 1);
      CommitGroup group = !mode.equals("group") ? null : depth == 1
          ? await(callOn(home, () -> HistoryStores.commitGroup(home, pool, config)))
          : new CommitGroup(home, new JdbcHistoryStore(pool), depth);
      AtomicInteger next = new AtomicInteger();
      await(vertx.deployVerticle(() -> new SequencerVerticle(pool, group, next.getAndIncrement()),
          new DeploymentOptions().setConfig(settings).setInstances(RoomOwners.of(vertx).localShards())));
      return closedLoop ? closedLoop(vertx, seconds) : fixedRate(vertx, seconds);
    } finally {
      await(vertx.close());
    }
  }

  /** 2,000 chats/s over 100 rooms: CPU per stored message. */
  private static String fixedRate(Vertx vertx, double seconds) throws Exception {
    int rate = 2000;
    long total = (long) (rate * seconds);
    AtomicLong acked = new AtomicLong();
    Promise<Void> done = Promise.promise();
    long cpu0 = cpu();
    long t0 = System.nanoTime();
    long[] sent = {0};
    vertx.setPeriodic(5, id -> {
      long due = Math.min(total, (System.nanoTime() - t0) * rate / 1_000_000_000L);
      for (; sent[0] < due; sent[0]++) {
        chat(vertx, "r" + (sent[0] % 100)).onSuccess(v -> {
          if (acked.incrementAndGet() == total) {
            done.tryComplete();
          }
        });
      }
      if (sent[0] >= total) {
        vertx.cancelTimer(id);
      }
    });
    await(done.future());
    double wall = (System.nanoTime() - t0) / 1e9;
    return String.format("%d stored in %.2f s, CPU %.1f us per message", total, wall, (cpu() - cpu0) / 1e3 / total);
  }

  /** 20 rooms, 100 chats in flight each, each answered ack sending the next: acks/s and CPU per ack. */
  private static String closedLoop(Vertx vertx, double seconds) throws Exception {
    AtomicLong acked = new AtomicLong();
    long cpu0 = cpu();
    long bytes0 = allocated();
    long t0 = System.nanoTime();
    long end = t0 + (long) (seconds * 1e9);
    AtomicInteger open = new AtomicInteger(20 * 100);
    Promise<Void> done = Promise.promise();
    for (int room = 0; room < 20; room++) {
      for (int i = 0; i < 100; i++) {
        loop(vertx, "s" + room, end, acked, open, done);
      }
    }
    await(done.future());
    double wall = (System.nanoTime() - t0) / 1e9;
    return String.format("%d acked in %.2f s: %.0f acks/s, CPU %.1f us per ack, %.0f bytes allocated per ack", acked.get(), wall,
        acked.get() / wall, (cpu() - cpu0) / 1e3 / acked.get(), (double) (allocated() - bytes0) / acked.get());
  }

  /** Bytes allocated so far by the live threads (the event loops and workers live through a run): less noisy than CPU on a busy machine. */
  private static long allocated() {
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (long bytes : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
      sum += Math.max(0, bytes);
    }
    return sum;
  }

  private static void loop(Vertx vertx, String room, long end, AtomicLong acked, AtomicInteger open, Promise<Void> done) {
    chat(vertx, room).onComplete(r -> {
      acked.incrementAndGet();
      if (System.nanoTime() < end) {
        loop(vertx, room, end, acked, open, done);
      } else if (open.decrementAndGet() == 0) {
        done.tryComplete();
      }
    });
  }

  /** -Dhubbub.bench.json=true sends each chat as a JSON body (a bridge client's), not as the typed command the hub's bridges send. */
  private static final boolean JSON = Boolean.getBoolean("hubbub.bench.json");
  private static final Actor BENCH = Identity.guest("bench").actor();

  private static Future<Void> chat(Vertx vertx, String room) {
    String text = "hello from the write path";
    Object command = JSON ? Identity.guest("bench").into(new JsonObject().put("room", room).put("text", text))
        : WriteCommand.Post.of(room, BENCH, text, null, null, 2000);
    return vertx.eventBus().request(RoomOwners.of(vertx).address(room, Addresses.CHAT), command).mapEmpty();
  }

  private static long cpu() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  private static <T> Future<T> callOn(Context context, java.util.concurrent.Callable<T> call) {
    Promise<T> p = Promise.promise();
    context.runOnContext(v -> {
      try {
        p.complete(call.call());
      } catch (Exception e) {
        p.fail(e);
      }
    });
    return p.future();
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(120, java.util.concurrent.TimeUnit.SECONDS);
  }
}
