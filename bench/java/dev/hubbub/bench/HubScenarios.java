package dev.hubbub.bench;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/** S6 (durable acknowledged publishes) and S9 (the server-rendered room page): only Hubbub has them. */
final class HubScenarios {

  private final Load load;
  private final Options o;
  private final Path hubDir;

  HubScenarios(Load load, Path hubDir) {
    this.load = load;
    this.o = load.options;
    this.hubDir = hubDir;
  }

  /** S6: every room's publisher keeps a window of {@code cid} chats in flight, sending the next on each ack. */
  JsonObject durable() throws Exception {
    Load.Batch<Conn> pubs = load.joinAll(o.s6Rooms, null, i -> "s6-" + i, "pub");
    if (pubs.failed() > 0) {
      throw new IllegalStateException("publishers failed: " + pubs.firstError());
    }
    Meter acks = new Meter();
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong ackedInWindow = new AtomicLong();
    List<Conn> conns = pubs.ok();
    long[] sent = new long[conns.size()];
    long[] acked = new long[conns.size()];
    Map<String, Long> inFlight = new ConcurrentHashMap<>();
    try {
      for (int r = 0; r < conns.size(); r++) {
        int room = r;
        Conn conn = conns.get(r);
        conn.onAck(cid -> {
          Long at = inFlight.remove(room + "/" + cid);
          if (at == null) {
            return;
          }
          acks.record((System.nanoTime() - at) / 1000);
          synchronized (acked) {
            acked[room]++;
          }
          if (running.get()) {
            ackedInWindow.incrementAndGet();
            send(conn, room, sent, inFlight);
          }
        });
      }
      long start = System.nanoTime();
      Sample before = new Sample(load.server.cpuSeconds(), Tools.selfCpuSeconds());
      for (int r = 0; r < conns.size(); r++) {
        for (int k = 0; k < o.s6InFlightPerRoom; k++) {
          send(conns.get(r), r, sent, inFlight);
        }
      }
      Thread.sleep((long) (o.seconds(o.s6Seconds) * 1000)); // the measuring window
      running.set(false);
      double window = (System.nanoTime() - start) / 1e9;
      long windowAcks = ackedInWindow.get();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!inFlight.isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      long totalSent = 0;
      long totalAcked = 0;
      long stored = 0;
      boolean storedMatches = true;
      synchronized (acked) {
        for (int r = 0; r < conns.size(); r++) {
          totalSent += sent[r];
          totalAcked += acked[r];
          long lastSeq = lastSeq("s6-" + r);
          stored += lastSeq;
          storedMatches &= lastSeq == sent[r];
        }
      }
      JsonObject out = new JsonObject().put("rooms", o.s6Rooms).put("inFlightPerRoom", o.s6InFlightPerRoom)
          .put("sent", totalSent).put("acked", totalAcked).put("unacked", totalSent - totalAcked).put("stored", stored)
          .put("nothingLost", totalSent == totalAcked && storedMatches)
          .put("publishersClosed", conns.stream().filter(Conn::isClosed).count())
          .put("ackedPerSecond", windowAcks / window).put("ackLatency", acks.summary())
          .put("serverCpuSeconds", load.server.cpuSeconds() - before.server)
          .put("generatorCpuSeconds", Tools.selfCpuSeconds() - before.generator);
      return out;
    } finally {
      running.set(false);
      Load.closeAll(conns);
      load.settle(o.quietMs / 2, o.settleMaxMs);
    }
  }

  private record Sample(double server, double generator) {
  }

  private static void send(Conn conn, int room, long[] sent, Map<String, Long> inFlight) {
    long n;
    synchronized (sent) {
      n = ++sent[room];
    }
    String cid = "c" + n;
    inFlight.put(room + "/" + cid, System.nanoTime());
    conn.chat(Meter.payload(), cid);
  }

  /** The room's latest seq, from the REST history (only chats are posted, so it counts what is stored). */
  private long lastSeq(String room) throws Exception {
    JsonObject body = get("/api/rooms/" + room + "/messages?limit=1").toJsonObject();
    var messages = body.getJsonArray("messages");
    return messages.isEmpty() ? 0 : messages.getJsonObject(0).getLong("seq");
  }

  /** S9: the room page with {@code s9Messages} messages against a static file of the same size, closed loop. */
  JsonObject page() throws Exception {
    for (int i = 0; i < o.s9Messages; i++) {
      JsonObject body = new JsonObject().put("username", "bench").put("text", "message " + i + " of the page benchmark");
      Buffer answer = await(load.http.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
              .setPort(load.port()).setURI("/api/rooms/s9/messages").putHeader("Content-Type", "application/json"))
          .compose(req -> req.send(body.toBuffer())).compose(res -> res.body()));
      if (!answer.toString().contains("seq")) {
        throw new IllegalStateException("post refused: " + answer);
      }
    }
    Buffer page = get("/rooms/s9");
    Path file = hubDir.resolve("webroot").resolve("bench-static.html");
    Files.createDirectories(file.getParent());
    Files.write(file, "x".repeat(page.length()).getBytes());
    Buffer staticFile = get("/bench-static.html");
    if (staticFile.length() != page.length()) {
      throw new IllegalStateException("static file is " + staticFile.length() + " bytes, page " + page.length());
    }
    JsonObject rendered = closedLoop("/rooms/s9");
    JsonObject plain = closedLoop("/bench-static.html");
    return new JsonObject().put("pageBytes", page.length()).put("page", rendered).put("staticFile", plain)
        .put("ratio", rendered.getDouble("requestsPerSecond") / plain.getDouble("requestsPerSecond"));
  }

  private JsonObject closedLoop(String uri) throws Exception {
    HttpClient client = load.vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(o.s9Concurrency));
    Meter meter = new Meter();
    AtomicLong errors = new AtomicLong();
    long end = System.nanoTime() + (long) (o.seconds(o.s9Seconds) * 1e9);
    CompletableFuture<?>[] loops = new CompletableFuture<?>[o.s9Concurrency];
    long start = System.nanoTime();
    for (int c = 0; c < loops.length; c++) {
      CompletableFuture<Void> done = new CompletableFuture<>();
      loops[c] = done;
      loop(client, uri, end, meter, errors, done);
    }
    CompletableFuture.allOf(loops).get((long) (o.seconds(o.s9Seconds) * 1000) + 60_000, TimeUnit.MILLISECONDS);
    double seconds = (System.nanoTime() - start) / 1e9;
    client.close();
    return new JsonObject().put("requests", meter.count()).put("errors", errors.get())
        .put("requestsPerSecond", meter.count() / seconds).put("latency", meter.summary());
  }

  private void loop(HttpClient client, String uri, long end, Meter meter, AtomicLong errors, CompletableFuture<Void> done) {
    if (System.nanoTime() >= end) {
      done.complete(null);
      return;
    }
    long t0 = System.nanoTime();
    client.request(HttpMethod.GET, load.port(), "127.0.0.1", uri)
        .compose(req -> req.send())
        .compose(res -> res.statusCode() == 200 ? res.body() : Future.failedFuture("status " + res.statusCode()))
        .onComplete(ar -> {
          if (ar.succeeded()) {
            meter.record((System.nanoTime() - t0) / 1000);
          } else {
            errors.incrementAndGet();
          }
          loop(client, uri, end, meter, errors, done);
        });
  }

  private Buffer get(String uri) throws Exception {
    return await(load.http.request(HttpMethod.GET, load.port(), "127.0.0.1", uri)
        .compose(req -> req.send())
        .compose(res -> res.statusCode() == 200 ? res.body() : Future.failedFuture(uri + " answered " + res.statusCode())));
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
