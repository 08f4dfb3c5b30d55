package dev.hubbub.bridge;

import dev.hubbub.limits.LimitSettings;
import dev.hubbub.limits.Limits;
import dev.hubbub.stats.ConnectionReporter;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The open connections of one transport on one bridge instance (one event loop), counted in one place:
 * the connection caps ({@link Limits}, shared by every transport of the process), the live figures
 * ({@link ConnectionReporter}) and the engine's account-deletion notices. Made by
 * {@link SessionEngine#connections}; confined to the engine's event loop.
 *
 * @param <A> the transport's adapter, as the bridge iterates them (pings, keep-alives, shutdown)
 */
public final class Connections<A extends Client.Transport> {

  final Vertx vertx;
  final SessionEngine engine;
  final Client.Verifier verifier;
  final boolean guests;
  final LimitSettings settings;
  final Limits limits;
  private final ConnectionReporter reporter;
  private final Set<A> open = new LinkedHashSet<>();

  Connections(Vertx vertx, SessionEngine engine, String transport, Client.Verifier verifier, boolean guests, LimitSettings settings) {
    this.vertx = vertx;
    this.engine = engine;
    this.verifier = verifier;
    this.guests = guests;
    this.settings = settings;
    this.limits = Limits.of(vertx);
    this.reporter = new ConnectionReporter(vertx, transport);
  }

  /**
   * Counts a connection from {@code address} against the caps: the refusal to answer with (503 hub full,
   * 429 address full), or null when admitted. An admitted place is released with its {@link Client}'s
   * {@link Client#closed} when it is {@linkplain #open opened} with it, else with {@link #release}.
   */
  public Limits.Refusal tryOpen(SocketAddress address) {
    return limits.tryOpen(settings, address);
  }

  /** Releases a place {@link #tryOpen} admitted for a connection that never opened (a failed upgrade). */
  public void release(SocketAddress address) {
    limits.release(settings, address);
  }

  /**
   * Opens a connection over {@code adapter}: counted here and told of account deletions until the hub
   * ends it or it is gone ({@link Client#closing}). {@code place}: the address {@link #tryOpen} admitted, or null when it holds none.
   */
  public Client open(A adapter, SocketAddress place) {
    Client client = new Client(this, adapter, place);
    open.add(adapter);
    engine.enter(client);
    reporter.report(open.size());
    return client;
  }

  void ended(Client client, Client.Transport adapter) {
    engine.exit(client);
    if (open.remove(adapter)) {
      reporter.report(open.size());
    }
  }

  /** The open connections' adapters, a snapshot. */
  public List<A> all() {
    return List.copyOf(open);
  }

  public int size() {
    return open.size();
  }
}
