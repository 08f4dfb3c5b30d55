package dev.hubbub.bridge.sse;

import dev.hubbub.auth.Identity;
import dev.hubbub.bridge.FeedSession;
import dev.hubbub.protocol.Addresses;
import dev.hubbub.protocol.Disconnect;
import dev.hubbub.protocol.Events;
import dev.hubbub.protocol.Failure;
import dev.hubbub.protocol.FeedEvent;
import dev.hubbub.stats.ConnectionReporter;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
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
  private final SseStream stream;
  private final String room;
  private final Rendering rendering;
  private final Identity reader;
  private JsonObject roster;

  SseSession(SseBridge bridge, SseStream stream, String room, Rendering rendering, Identity reader) {
    this.bridge = bridge;
    this.stream = stream;
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
    stream.close(reason);
  }

  /**
   * Subscribes first, then asks for the roster and history, so nothing published meanwhile is lost. With
   * {@code since}, a resume in the client's {@code epoch} (null: not checked).
   */
  void start(Long since, String epoch) {
    subscribing(since == null ? 0 : since);
    bridge.engine.subscribe(room, this)
        .compose(v -> {
          // Hold presence events too: they must follow the roster snapshot, not precede it.
          replaying();
          JsonObject query = reader.into(new JsonObject().put("room", room));
          if (since != null) {
            query.put("since", since).put("epoch", epoch);
          }
          return Future.all(request(Addresses.ROSTER, reader.into(new JsonObject().put("room", room))), request(Addresses.HISTORY, query));
        })
        .onComplete(result -> {
          if (stream.isClosed()) {
            return;
          }
          if (result.failed()) {
            log.debug("SSE subscription to {} failed: {}", room, result.cause().getMessage());
            stop();
            stream.close("history unavailable: " + Failure.messageOf(result.cause()));
            return;
          }
          Message<JsonObject> rosterReply = result.result().resultAt(0);
          Message<JsonObject> historyReply = result.result().resultAt(1);
          roster = Events.roster(room, rosterReply.body().getJsonArray("users").stream().map(String::valueOf).toList());
          JsonObject history = historyReply.body();
          replay(history.getJsonArray("messages").stream().map(JsonObject.class::cast).toList(),
              history.getBoolean("truncated", false), history.getString("epoch"));
        });
  }

  private Future<Message<JsonObject>> request(String address, JsonObject body) {
    EventBus bus = bridge.vertx.eventBus();
    return bus.request(address, body);
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
    return stream.full();
  }

  @Override
  protected boolean transportClosed() {
    return stream.isClosed();
  }

  @Override
  protected void failed(Throwable cause) {
    log.debug("event stream in room {} failed while writing, closing it: {}", room, cause.toString());
    stream.close("stream failed: reconnect");
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
    stream.close(disconnect.reason());
  }
}
