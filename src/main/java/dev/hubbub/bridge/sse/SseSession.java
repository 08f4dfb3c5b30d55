package dev.hubbub.bridge.sse;

import dev.hubbub.auth.Identity;
import dev.hubbub.bridge.FeedSession;
import dev.hubbub.bridge.Subscribe;
import dev.hubbub.protocol.Disconnect;
import dev.hubbub.protocol.Events;
import dev.hubbub.protocol.Failure;
import dev.hubbub.protocol.FeedEvent;
import dev.hubbub.stats.ConnectionReporter;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * One event stream watching one room. A watcher is not a room member: it only reads the feed. It opens
 * with the current roster, then the history after its {@code Last-Event-ID} (or the latest messages),
 * then live events, each record carrying the event's {@code seq} as its id.
 */
final class SseSession extends FeedSession {

  private static final Logger log = LoggerFactory.getLogger(SseSession.class);

  private final SseBridge bridge;
  /** The response before its stream opens: whether the client is still there. */
  private final HttpServerResponse response;
  /** Null until the subscribe is answered and the stream opened. */
  private SseStream stream;
  /** Why the session ended before its stream opened (slow while subscribing, revoked): the stream opens to say so. */
  private String endedEarly;
  private final String room;
  private final Rendering rendering;
  private final Identity reader;
  private JsonObject roster;

  SseSession(SseBridge bridge, HttpServerResponse response, String room, Rendering rendering, Identity reader) {
    this.bridge = bridge;
    this.response = response;
    this.room = room;
    this.rendering = rendering;
    this.reader = reader;
  }

  String room() {
    return room;
  }

  @Override
  protected Identity reader() {
    return reader;
  }

  /** The reader may no longer read the room: the stream ends, saying why. */
  @Override
  protected void revoked(String reason) {
    end(reason);
  }

  /** Ends the stream with {@code reason}, e.g. when the reader may no longer read the room. */
  void end(String reason) {
    stop();
    if (stream == null) {
      endedEarly = reason;
    } else {
      stream.close(reason);
    }
  }

  /**
   * Subscribes to the feed first, then asks the core in one request (access, the current roster, the
   * history after {@code since} in the client's {@code epoch}, null: not checked), so nothing published
   * meanwhile is lost. Presence events are dropped until the reply: its roster is the room as of the
   * reply, and what follows it on the feed comes after. Refused, the session is out of the feed.
   */
  Future<Subscribe.Reply> subscribe(Long since, String epoch) {
    subscribing(since == null ? 0 : since);
    return bridge.engine.subscribe(room, this)
        .compose(v -> Subscribe.send(bridge.vertx.eventBus(), Subscribe.watch(room, reader, since, epoch, null)))
        .onFailure(e -> {
          log.debug("SSE subscription to {} refused: {}", room, e.getMessage());
          cancel();
        });
  }

  /** Out of the feed before a stream opened (refused, or the client went away). */
  void cancel() {
    bridge.engine.unsubscribe(room, this);
    stop();
  }

  /** The stream is open: the roster, the history and what arrived meanwhile, then live events. */
  void opened(SseStream stream, Subscribe.Reply reply) {
    this.stream = stream;
    Failure.Rejected unread = reply.historyFailure();
    if (endedEarly != null || unread != null) {
      stop();
      stream.close(endedEarly != null ? endedEarly : "history unavailable: " + unread.getMessage());
      return;
    }
    roster = Events.roster(room, reply.userList());
    replaying();
    replay(reply.messages(), reply.truncated(), reply.epoch());
  }

  @Override
  protected void write(FeedEvent event) {
    stream.write(rendering.live(event));
  }

  @Override
  protected void writeHistory(List<JsonObject> events, boolean truncated, String epoch) {
    stream.write(rendering.record(roster));
    // The resume point's epoch, for clients that reconnect with ?epoch= (no id: it moves no resume point).
    stream.write(rendering.record(new JsonObject().put("type", "history").put("room", room).put("epoch", epoch)
        .put("truncated", truncated)));
    if (truncated) {
      // The replay does not continue from Last-Event-ID (too wide a gap, beyond the head, another epoch):
      // say so before the latest events. `before` is the first seq that follows, 0 when none does.
      stream.write(rendering.record(new JsonObject().put("type", "truncated").put("room", room)
          .put("before", events.isEmpty() ? 0 : Events.seqOf(events.get(0))).put("epoch", epoch)));
    }
    for (JsonObject event : events) {
      stream.write(rendering.record(event));
    }
  }

  @Override
  protected boolean writeQueueFull() {
    return stream != null && stream.full();
  }

  @Override
  protected boolean transportClosed() {
    return stream == null ? response.closed() : stream.isClosed();
  }

  @Override
  protected void failed(Throwable cause) {
    log.debug("event stream in room {} failed while writing, closing it: {}", room, cause.toString());
    end("stream failed: reconnect");
  }

  /** The hub is shutting down: a last {@code shutdown} event with the seq to resume after, then the end. */
  void shutDown() {
    long resumeAfter = lastSeq();
    stream.end("shutdown", new JsonObject().put("type", "shutdown").put("room", room).put("resumeAfter", resumeAfter)
        .put("message", goingAway().reason()));
  }

  @Override
  protected void close(Disconnect disconnect) {
    log.info("closing slow event stream in room {}", room);
    ConnectionReporter.slowConsumerClosed(ConnectionReporter.SSE);
    end(disconnect.reason());
  }
}
