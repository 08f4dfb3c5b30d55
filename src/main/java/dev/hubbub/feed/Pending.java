package dev.hubbub.feed;

import dev.hubbub.auth.Identity;
import dev.hubbub.auth.RoomAccess;
import dev.hubbub.store.CidKey;
import dev.hubbub.store.HistoryStore;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

/**
 * A command accepted by a sequencer shard but not yet answered; {@code event} lacks its seq until its batch
 * is planned. {@link BatchPlan} settles exactly one of: written, a stored ack to repeat, the same outcome
 * as an earlier chat of the batch with the same cid, or a refusal. {@link #reset} undoes a plan whose
 * append conflicted, so the batch can be planned again.
 */
final class Pending {
  final Message<JsonObject> command;
  final JsonObject event;
  final CidKey cid;
  final Identity who;
  RoomAccess.Verdict access;
  boolean written;
  JsonObject repeatAck;
  Pending sameAs;
  Failure.Rejected refused;

  Pending(Message<JsonObject> command, JsonObject event, CidKey cid, Identity who) {
    this.command = command;
    this.event = Events.byGuest(who.guest(), event);
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
    return event.getString("room");
  }

  String type() {
    return event.getString("type");
  }

  String targetKey() {
    return room() + "/" + event.getString("id");
  }

  /** The row to append: the event plus its cid and author's account id, which are stored but never published. */
  JsonObject row() {
    if (cid == null && who.account() == null) {
      return event;
    }
    JsonObject row = event.copy();
    if (cid != null) {
      row.put("cid", cid.cid());
    }
    return who.account() == null ? row : row.put(HistoryStore.AUTHOR, who.account());
  }

  static JsonObject ack(JsonObject event) {
    return new JsonObject().put("id", event.getString("id")).put("seq", event.getLong("seq")).put("ts", event.getLong("ts"));
  }
}
