package dev.hubbub.feed;

import dev.hubbub.auth.Identity;
import dev.hubbub.auth.RoomAccess;
import dev.hubbub.protocol.Failure;
import dev.hubbub.protocol.RoomEvent;
import dev.hubbub.store.CidKey;
import dev.hubbub.store.EventRow;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

/**
 * A command accepted by a sequencer shard but not yet answered; {@code event} has seq 0 until its batch is
 * planned. {@link BatchPlan} settles exactly one of: written (the event at its seq), a stored ack to
 * repeat, the same outcome as an earlier chat of the batch with the same cid, or a refusal. {@link #reset}
 * undoes a plan whose append conflicted, so the batch can be planned again.
 */
final class Pending {

  /** The message an edit or deletion names. */
  record Target(String room, String id) {
  }

  final Message<JsonObject> command;
  final CidKey cid;
  final Identity who;
  /** The typed event, published as it is once stored. */
  RoomEvent.Persisted event;
  RoomAccess.Verdict access;
  boolean written;
  JsonObject repeatAck;
  Pending sameAs;
  Failure.Rejected refused;

  Pending(Message<JsonObject> command, RoomEvent.Persisted event, CidKey cid, Identity who) {
    this.command = command;
    this.event = event;
    this.cid = cid;
    this.who = who;
  }

  void reset() {
    written = false;
    repeatAck = null;
    sameAs = null;
    refused = null;
  }

  String room() {
    return event.room();
  }

  boolean isChat() {
    return event instanceof RoomEvent.Chat;
  }

  Target target() {
    return new Target(event.room(), event.id());
  }

  /** The row to append: the event plus its cid and author's account id, which are stored but never published. */
  EventRow row() {
    return new EventRow(event, cid == null ? null : cid.cid(), who.account());
  }

  static JsonObject ack(RoomEvent.Persisted event) {
    return new JsonObject().put("id", event.id()).put("seq", event.seq()).put("ts", event.ts());
  }

  /** The ack of a stored chat, as a store reads it back. */
  static JsonObject ack(JsonObject stored) {
    return new JsonObject().put("id", stored.getString("id")).put("seq", stored.getLong("seq")).put("ts", stored.getLong("ts"));
  }
}
