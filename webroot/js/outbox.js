// Messages not yet acknowledged, kept in IndexedDB with their cid so a reload or a dropped connection
// loses nothing: they are sent again on reconnect, and the server's cid dedupe makes that exactly once.
// Without IndexedDB (some private modes) the outbox lives in memory for the page's lifetime.

const DB_NAME = 'hubbub';
const STORE = 'outbox';

function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function openDb() {
  if (!('indexedDB' in window)) return Promise.reject(new Error('no IndexedDB'));
  const req = indexedDB.open(DB_NAME, 1);
  req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'cid' });
  return request(req);
}

export class Outbox {
  constructor() {
    this.memory = new Map();
    this.db = openDb().catch(() => null);
  }

  async tx(mode, fn) {
    const db = await this.db;
    if (!db) return fn(null);
    const store = db.transaction(STORE, mode).objectStore(STORE);
    return fn(store);
  }

  /** item: {cid, room, username, text, created}; replaces an item with the same cid. */
  put(item) {
    this.memory.set(item.cid, item);
    return this.tx('readwrite', (store) => (store ? request(store.put(item)) : undefined)).catch(() => undefined);
  }

  remove(cid) {
    this.memory.delete(cid);
    return this.tx('readwrite', (store) => (store ? request(store.delete(cid)) : undefined)).catch(() => undefined);
  }

  /** Every waiting item of a room, oldest first (the order they were written in). */
  async forRoom(room) {
    let items;
    try {
      items = await this.tx('readonly', (store) => (store ? request(store.getAll()) : Array.from(this.memory.values())));
    } catch (_) {
      items = Array.from(this.memory.values());
    }
    for (const item of items) this.memory.set(item.cid, item);
    return items.filter((i) => i.room === room).sort((a, b) => a.created - b.created);
  }
}
