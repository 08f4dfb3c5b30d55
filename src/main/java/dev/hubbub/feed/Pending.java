package dev.hubbub.feed;

import dev.hubbub.auth.Identity;
import dev.hubbub.auth.RoomAccess;
import dev.hubbub.protocol.Ack;
import dev.hubbub.protocol.Failure;
import dev.hubbub.protocol.RoomEvent;
import dev.hubbub.store.CidKey;
import dev.hubbub.store.EventRow;
import io.vertx.core.eventbus.Message;

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

  /** The request, answered once: with an {@link Ack}, or its JSON when the command came as JSON. */
  final Message<?> command;
  /** The command came as a JSON body (a bridge client, a tool): polyglot senders read the ack as JSON. */
  private final boolean json;
  final CidKey cid;
  final Identity who;
  /** The client's address, for the rooms-created cap; null when unknown. */
  final String clientAddress;
  /** The typed event, published as it is once stored. */
  RoomEvent.Persisted event;
  RoomAccess.Verdict access;
  boolean written;
  Ack repeatAck;
  Pending sameAs;
  Failure.Rejected refused;

  Pending(Message<?> command, boolean json, RoomEvent.Persisted event, CidKey cid, Identity who, String clientAddress) {
    this.command = command;
    this.json = json;
    this.event = event;
    this.cid = cid;
    this.who = who;
    this.clientAddress = clientAddress;
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

  void reply(Ack ack) {
    command.reply(json ? ack.toJson() : ack);
  }

  static Ack ack(RoomEvent.Persisted event) {
    return new Ack(event.id(), event.seq(), event.ts(), false);
  }
}
