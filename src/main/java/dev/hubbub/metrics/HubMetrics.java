package dev.hubbub.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hubbub's own metrics, in the one Prometheus registry that {@code /metrics} renders (Vert.x's metrics join
 * it when the hub runs with {@link VertxMetricsSetup}). Every meter is registered once, up front, so a hook on
 * the hot path is one call on a field: no lookup by name or tag per event. One registry per process, like
 * the JVM meters it also holds; counters only grow, gauges follow what is open now.
 */
public final class HubMetrics {

  /** The {@code transport} label, and which of the per-transport meters apply to it. */
  public enum Transport {
    WS("ws", true, true, true), SSE("sse", true, false, true), SOCKJS("sockjs", true, true, true),
    TCP("tcp", true, true, true), /** REST and form posts: requests in, no connection held. */ HTTP("http", false, true, false);

    final String label;
    final boolean connected;
    final boolean receives;
    final boolean sends;

    Transport(String label, boolean connected, boolean receives, boolean sends) {
      this.label = label;
      this.connected = connected;
      this.receives = receives;
      this.sends = sends;
    }
  }

  private static final HubMetrics INSTANCE = new HubMetrics();

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final MeterRegistry unlisted = new SimpleMeterRegistry();
  private final AtomicLong[] connections = new AtomicLong[Transport.values().length];
  private final Counter[] messagesIn = new Counter[Transport.values().length];
  private final Counter[] messagesOut = new Counter[Transport.values().length];
  private final Counter deliveries;
  private final Counter slowConsumers;
  private final Counter rateLimitHits;
  private final Counter connectionLimitHits;
  private final DistributionSummary commitBatchSize;
  private final Timer commitLatency;
  private final Counter commitFailures;
  /** Clustering: seq gaps a room feed showed a bridge instance, each filled from the database before going on. */
  private final Counter feedGaps;
  private final Timer eventLoopLag;

  private HubMetrics() {
    for (Transport t : Transport.values()) {
      AtomicLong open = new AtomicLong();
      connections[t.ordinal()] = open;
      if (t.connected) {
        Gauge.builder("hubbub.connections", open, AtomicLong::get).tag("transport", t.label)
            .description("Open client connections").register(registry);
      }
      // A meter that does not apply is kept out of the registry (and so out of /metrics).
      messagesIn[t.ordinal()] = Counter.builder("hubbub.messages.in").tag("transport", t.label)
          .description("Frames and requests received from clients").register(t.receives ? registry : unlisted);
      messagesOut[t.ordinal()] = Counter.builder("hubbub.messages.out").tag("transport", t.label)
          .description("Frames and event records written to clients").register(t.sends ? registry : unlisted);
    }
    deliveries = Counter.builder("hubbub.deliveries").description("Room events handed to a subscriber").register(registry);
    slowConsumers = Counter.builder("hubbub.slow.consumer.disconnects")
        .description("Connections closed because they could not keep up").register(registry);
    rateLimitHits = Counter.builder("hubbub.rate.limit.hits").description("Requests refused by a rate limit").register(registry);
    connectionLimitHits = Counter.builder("hubbub.connection.limit.hits")
        .description("Connections refused by a connection limit").register(registry);
    commitBatchSize = DistributionSummary.builder("hubbub.commit.batch.size")
        .description("Commands written together by one group commit").register(registry);
    commitLatency = Timer.builder("hubbub.commit.latency").description("Time to look up and write one batch")
        .register(registry);
    feedGaps = Counter.builder("hubbub.feed.gaps").description("Seq gaps seen in a room feed and backfilled from the database")
        .register(registry);
    commitFailures = Counter.builder("hubbub.commit.failures").description("Batches the store failed to write")
        .register(registry);
    eventLoopLag = Timer.builder("hubbub.event.loop.lag").description("How late a timer fired on an event loop")
        .register(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
  }

  public static HubMetrics get() {
    return INSTANCE;
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** {@code change} connections of {@code transport} opened (positive) or closed (negative). */
  public void connections(Transport transport, long change) {
    connections[transport.ordinal()].addAndGet(change);
  }

  public void messageIn(Transport transport) {
    messagesIn[transport.ordinal()].increment();
  }

  public void messageOut(Transport transport) {
    messagesOut[transport.ordinal()].increment();
  }

  public void delivered() {
    deliveries.increment();
  }

  public void feedGap() {
    feedGaps.increment();
  }

  public void slowConsumer() {
    slowConsumers.increment();
  }

  public void rateLimited() {
    rateLimitHits.increment();
  }

  public void connectionRefused() {
    connectionLimitHits.increment();
  }

  /** One group commit of {@code commands}, which took {@code nanos} from look-up to the store's answer. */
  public void commit(int commands, long nanos, boolean succeeded) {
    commitBatchSize.record(commands);
    commitLatency.record(nanos, TimeUnit.NANOSECONDS);
    if (!succeeded) {
      commitFailures.increment();
    }
  }

  public void eventLoopLag(long nanos) {
    eventLoopLag.record(Math.max(0, nanos), TimeUnit.NANOSECONDS);
  }
}
