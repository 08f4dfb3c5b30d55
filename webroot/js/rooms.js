// Per-room sequence state: the highest seq shown, the history epoch, gap detection, and the latest
// messages (the offline snapshot). Pure bookkeeping, no DOM.
//
// Every persisted event of a room (chat, edited, deleted) has the next seq, so once the history of a
// join is in, a live event with seq > last + 1 means events were missed. The page then holds that
// event and everything after it, fills the gap from history, and releases them in order.

const EPOCH_KEY = 'hubbub.epoch.';
const KEEP = 200; // messages kept per room for the snapshot

function storageGet(key) {
  try { return sessionStorage.getItem(key); } catch (_) { return null; }
}
function storageSet(key, value) {
  try { sessionStorage.setItem(key, value); } catch (_) { /* best effort */ }
}

export class Rooms {
  constructor() {
    this.rooms = new Map();
  }

  get(room) {
    let r = this.rooms.get(room);
    if (!r) {
      const stored = storageGet(EPOCH_KEY + room);
      r = { last: 0, ready: false, holding: null, epoch: stored === null ? undefined : JSON.parse(stored), messages: new Map() };
      this.rooms.set(room, r);
    }
    return r;
  }

  setEpoch(room, epoch) {
    if (epoch === undefined || epoch === null) return;
    this.get(room).epoch = epoch;
    storageSet(EPOCH_KEY + room, JSON.stringify(epoch));
  }

  /** A fresh view of the room: nothing shown, nothing to resume from. */
  reset(room) {
    const r = this.get(room);
    r.last = 0;
    r.ready = false;
    r.holding = null;
    r.messages.clear();
  }

  /** What the page shows came from a snapshot: resume after its newest message. */
  baseline(room, messages, epoch) {
    this.reset(room);
    this.setEpoch(room, epoch);
    for (const m of messages) this.remember(room, m);
  }

  /** The `since` (and `epoch`, carried back unchanged) for a join that continues what is shown. */
  resumePoint(room) {
    const r = this.get(room);
    if (r.last <= 0) return {};
    return r.epoch === undefined ? { since: r.last } : { since: r.last, epoch: r.epoch };
  }

  welcome(room, msg) {
    const r = this.get(room);
    r.ready = false;
    r.holding = null;
    this.setEpoch(room, msg.epoch);
  }

  /** The join's history frame: after it, live events are checked for gaps. */
  history(room, msg) {
    const r = this.get(room);
    if (msg.truncated) {
      r.last = 0;
      r.messages.clear();
    }
    this.setEpoch(room, msg.epoch);
    r.ready = true;
  }

  /** 'apply' now, 'held' behind a gap being filled, or 'gap' (held; the caller fills it). */
  offer(room, msg) {
    const r = this.get(room);
    if (msg.seq === undefined || msg.seq === null) return 'apply';
    if (r.holding) {
      r.holding.queue.push(msg);
      return 'held';
    }
    const seq = Number(msg.seq);
    if (r.ready && Number.isFinite(seq) && seq > r.last + 1) {
      r.holding = { after: r.last, before: seq, queue: [msg] };
      return 'gap';
    }
    return 'apply';
  }

  gapBounds(room) {
    const h = this.get(room).holding;
    return h ? { after: h.after, before: h.before } : { after: 0, before: 0 };
  }

  /** The gap is filled (or given up on): the held events, to be offered again in order. */
  endGap(room) {
    const r = this.get(room);
    const h = r.holding;
    r.holding = null;
    if (!h) return [];
    r.last = Math.max(r.last, h.before - 1);
    return h.queue;
  }

  /** Records an applied persisted event (or a chat from history). */
  remember(room, msg) {
    const r = this.get(room);
    const seq = Number(msg.seq);
    if (Number.isFinite(seq) && seq > r.last) r.last = seq;
    const type = msg.type || 'chat';
    if (type === 'chat' && msg.id !== undefined) {
      r.messages.set(String(msg.id), { id: msg.id, seq: msg.seq, username: msg.username, text: msg.text, ts: msg.ts,
        guest: Boolean(msg.guest), edited: Boolean(msg.edited), deleted: Boolean(msg.deleted) });
      if (r.messages.size > KEEP) r.messages.delete(this.oldest(r));
    } else if (msg.id !== undefined) {
      const m = r.messages.get(String(msg.id));
      if (m && type === 'edited') Object.assign(m, { text: msg.text, edited: true });
      if (m && type === 'deleted') Object.assign(m, { text: '', deleted: true });
    }
  }

  oldest(r) {
    let key = null;
    let min = Infinity;
    for (const [k, m] of r.messages) if (Number(m.seq) < min) { min = Number(m.seq); key = k; }
    return key;
  }

  /** The room's latest chats, oldest first. */
  latest(room) {
    return Array.from(this.get(room).messages.values()).sort((a, b) => Number(a.seq) - Number(b.seq));
  }
}
