package dev.hubbub.feed;

import dev.hubbub.auth.Identity;
import dev.hubbub.limits.LimitSettings;
import dev.hubbub.limits.Limits;
import dev.hubbub.protocol.Ack;
import dev.hubbub.protocol.Failure;
import dev.hubbub.protocol.RoomEvent;
import dev.hubbub.store.CidKey;
import dev.hubbub.store.EventRow;
import dev.hubbub.store.HistoryStore;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Settles each command of a batch in order and gives the ones to write their seqs, from the heads the
 * shard knows: pure decisions, no I/O. {@code chatsByCid} is empty on the common path (no read before
 * the write: the unique index catches a repeated cid) and filled only when re-planning after a conflict.
 */
final class BatchPlan {

  /** Each room's head after this batch, to cache once it commits. */
  final Map<String, Long> next = new HashMap<>();
  /** The rows to append, in seq order. */
  final List<EventRow> rows = new ArrayList<>();

  BatchPlan(List<Pending> batch, Map<String, Long> heads, Map<CidKey, JsonObject> chatsByCid,
      Map<Pending.Target, JsonObject> targets, Limits limits, LimitSettings abuse) {
    Map<CidKey, Pending> firstByCid = new HashMap<>();
    for (Pending p : batch) {
      if (!p.access.write()) {
        p.refused = p.access.refusal();
        continue;
      }
      if (p.cid != null) {
        JsonObject stored = chatsByCid.get(p.cid);
        if (stored != null) {
          p.repeatAck = Ack.of(stored).asDuplicate();
          continue;
        }
        Pending first = firstByCid.putIfAbsent(p.cid, p);
        if (first != null) {
          p.sameAs = first;
          continue;
        }
      }
      if (!p.isChat()) {
        p.refused = checkTarget(p, targets.get(p.target()));
        if (p.refused != null) {
          continue;
        }
      }
      String room = p.room();
      long head = next.containsKey(room) ? next.get(room) : heads.get(room);
      if (head == 0 && !limits.tryCreateRoom(abuse, Identity.rateKey(p.who),
          p.clientAddress, System.nanoTime())) {
        p.refused = new Failure.Rejected(Failure.TOO_MANY, "too many new rooms: try again later, or write in an existing room");
        continue;
      }
      long seq = head + 1;
      next.put(room, seq);
      p.event = p.event.withSeq(seq);
      p.written = true;
      rows.add(p.row());
    }
  }

  /**
   * Refuses an edit or deletion of a missing, foreign or deleted message; else applies it to {@code target}.
   * A registered user's message is one's own when its stored author is the same account (a later holder
   * of the name is another account); a guest's when name and guest-ness match (it never becomes a
   * registered namesake's). An admin may delete anyone's.
   */
  private static Failure.Rejected checkTarget(Pending p, JsonObject target) {
    RoomEvent.Edited edit = p.event instanceof RoomEvent.Edited e ? e : null;
    if (target == null) {
      return Failure.notFound("no message '" + p.event.id() + "' in room '" + p.room() + "'");
    }
    boolean byGuest = target.getBoolean("guest", false);
    boolean own = p.who.guest()
        ? byGuest && target.getString("username").equals(p.event.username())
        : !byGuest && p.who.account() != null && p.who.account().equals(target.getString(HistoryStore.AUTHOR));
    if (!own && (edit != null || !p.who.admin())) {
      return Failure.forbidden(edit != null ? "you can only edit your own messages" : "you can only delete your own messages");
    }
    if (target.getBoolean("deleted", false)) {
      return Failure.conflict("message was deleted");
    }
    // Later commands of the same batch see this one's effect.
    if (edit != null) {
      target.put("text", edit.text()).put("edited", true);
    } else {
      target.put("deleted", true);
    }
    return null;
  }
}
