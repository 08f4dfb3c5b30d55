package dev.hubbub.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * The load generator's toolbox for one server: Vert.x WebSocket and HTTP clients sized for thousands of
 * connections, bounded fan-out of asynchronous opens, a fixed-rate publisher, and waits for traffic to settle.
 * Scenario code runs on the caller's thread and blocks on these; all I/O runs on the generator's event loops.
 */
final class Load implements AutoCloseable {

  final Vertx vertx;
  final Peer peer;
  /** The server measured; with several (clustered nodes), the first. */
  final ServerProcess server;
  final List<ServerProcess> servers;
  final Options options;
  final WebSocketClient ws;
  final HttpClient http;

  Load(Vertx vertx, Peer peer, ServerProcess server, Options options) {
    this(vertx, peer, List.of(server), options);
  }

  /** Connections go to one of {@code servers} drawn at random (clustered nodes of one hub). */
  Load(Vertx vertx, Peer peer, List<ServerProcess> servers, Options options) {
    this.vertx = vertx;
    this.peer = peer;
    this.server = servers.get(0);
    this.servers = List.copyOf(servers);
    this.options = options;
    this.ws = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(100_000)
        .setMaxFrameSize(1 << 20).setMaxMessageSize(16 << 20).setConnectTimeout(30_000));
    this.http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(30_000),
        new PoolOptions().setHttp1MaxSize(100_000));
  }

  int port() {
    return servers.size() == 1 ? server.port : servers.get(java.util.concurrent.ThreadLocalRandom.current().nextInt(servers.size())).port;
  }

  /** CPU seconds of every server so far. */
  double serverCpuSeconds() {
    return servers.stream().mapToDouble(ServerProcess::cpuSeconds).sum();
  }

  /** The results of running {@code task(i)} for i in 0..n-1, at most {@code concurrency} at once; null where one failed. */
  record Batch<T>(List<T> results, int failed, String firstError) {
    List<T> ok() {
      return results.stream().filter(Objects::nonNull).toList();
    }
  }

  <T> Batch<T> runAll(int n, int concurrency, IntFunction<Future<T>> task, long timeoutMs) throws Exception {
    List<T> results = new ArrayList<>(java.util.Collections.nCopies(n, null));
    if (n == 0) {
      return new Batch<>(results, 0, null);
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    AtomicInteger next = new AtomicInteger();
    AtomicInteger finished = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    String[] firstError = {null};
    Runnable[] launch = new Runnable[1];
    launch[0] = () -> {
      int i = next.getAndIncrement();
      if (i >= n) {
        return;
      }
      Future<T> f;
      try {
        f = task.apply(i);
      } catch (RuntimeException e) {
        f = Future.failedFuture(e);
      }
      f.onComplete(ar -> {
        if (ar.succeeded()) {
          synchronized (results) {
            results.set(i, ar.result());
          }
        } else if (failed.incrementAndGet() == 1) {
          firstError[0] = String.valueOf(ar.cause());
        }
        if (finished.incrementAndGet() == n) {
          done.complete(null);
        } else {
          launch[0].run();
        }
      });
    };
    for (int k = 0; k < Math.min(concurrency, n); k++) {
      launch[0].run();
    }
    try {
      done.get(timeoutMs, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      int missing = n - finished.get();
      synchronized (results) {
        return new Batch<>(new ArrayList<>(results), failed.get() + missing, "timed out after " + timeoutMs + " ms, " + missing + " unfinished");
      }
    }
    synchronized (results) {
      return new Batch<>(new ArrayList<>(results), failed.get(), firstError[0]);
    }
  }

  /** Opens {@code n} connections joined to {@code room.apply(i)}, in batches. */
  Batch<Conn> joinAll(int n, Meter meter, IntFunction<String> room, String userPrefix) throws Exception {
    return runAll(n, options.batch, i -> peer.joined(this, meter, room.apply(i), userPrefix + i), options.openTimeoutMs(n));
  }

  /** Opens {@code n} event streams (Hubbub's SSE) on {@code room.apply(i)}, in batches. */
  Batch<Conn> streamAll(int n, Meter meter, IntFunction<String> room) throws Exception {
    return runAll(n, options.batch, i -> SseConn.open(http, port(), room.apply(i), meter), options.openTimeoutMs(n));
  }

  /** Waits until no connection has received anything for {@code quietMs}, at most {@code maxMs}. */
  void settle(long quietMs, long maxMs) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxMs);
    long quiet = TimeUnit.MILLISECONDS.toNanos(quietMs);
    while (System.nanoTime() < deadline && System.nanoTime() - Conn.lastFrameNanos < quiet) {
      Thread.sleep(20);
    }
    serverIdle(maxMs);
  }

  /**
   * Waits until the server itself is idle (under a tenth of a core over half a second), at most {@code maxMs}: a
   * server still working off the previous step (e.g. the rosters of a thousand leaves) must not be measured.
   */
  void serverIdle(long maxMs) throws InterruptedException {
    if (!options.awaitIdleServer) {
      return;
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxMs);
    double before = serverCpuSeconds();
    while (System.nanoTime() < deadline) {
      Thread.sleep(500);
      double now = serverCpuSeconds();
      if (now - before < 0.05) {
        return;
      }
      before = now;
    }
  }

  /** Waits until {@code meter} counted {@code expected}, or nothing arrived for {@code quietMs}, at most {@code maxMs}. */
  void drain(Meter meter, long expected, long quietMs, long maxMs) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxMs);
    long quiet = TimeUnit.MILLISECONDS.toNanos(quietMs);
    while (meter.count() < expected && System.nanoTime() < deadline && System.nanoTime() - Conn.lastFrameNanos < quiet) {
      Thread.sleep(10);
    }
  }

  /**
   * Publishes stamped chats at {@code rate} per second for {@code seconds}, round-robin over {@code publishers},
   * from a 5 ms timer that catches up on whatever is due, so the rate holds even if a tick is late. Returns how
   * many were sent to each publisher's room.
   */
  long[] publish(List<Conn> publishers, double rate, double seconds) throws Exception {
    long[] perPublisher = new long[publishers.size()];
    AtomicLong sent = new AtomicLong();
    long total = Math.round(rate * seconds);
    CompletableFuture<Void> done = new CompletableFuture<>();
    long start = System.nanoTime();
    vertx.setPeriodic(5, id -> {
      double elapsed = (System.nanoTime() - start) / 1e9;
      long due = Math.min(total, (long) Math.floor(elapsed * rate) + 1);
      while (sent.get() < due) {
        long k = sent.getAndIncrement();
        int p = (int) (k % publishers.size());
        publishers.get(p).chat(Meter.payload());
        perPublisher[p]++;
      }
      if (sent.get() >= total) {
        vertx.cancelTimer(id);
        done.complete(null);
      }
    });
    done.get((long) (seconds * 1000) + 60_000, TimeUnit.MILLISECONDS);
    return perPublisher;
  }

  static void closeAll(List<Conn> conns) {
    for (Conn c : conns) {
      if (c != null) {
        c.close();
      }
    }
  }

  @Override
  public void close() {
    ws.close();
    http.close();
  }
}
