// History over REST: older pages, gap fills, and the per-room snapshot the service worker serves offline.

export const SNAPSHOT_SIZE = 50;
const SNAPSHOT_CACHE = 'hubbub-history-v1';
const PAGE = 100;

function messagesUrl(room, params) {
  const query = new URLSearchParams(params).toString();
  return `/api/rooms/${encodeURIComponent(room)}/messages${query ? `?${query}` : ''}`;
}

/** The URL under which a room's recent history is cached; sw.js serves it when the hub is unreachable. */
export function snapshotUrl(room) {
  return messagesUrl(room, { limit: SNAPSHOT_SIZE });
}

async function getJson(url) {
  const res = await fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(body.error || `HTTP ${res.status}`);
  return body;
}

/** {messages, more}: the page of chats older than `before`. */
export function olderThan(room, before) {
  return getJson(messagesUrl(room, { before, limit: PAGE }));
}

/** Every chat with after < seq < before, in seq order, paging as needed (bounded to 10 pages). */
export async function between(room, after, before) {
  const all = [];
  let from = after;
  for (let page = 0; page < 10; page += 1) {
    const params = { after: from, limit: 200 };
    if (before) params.before = before;
    const body = await getJson(messagesUrl(room, params));
    const list = Array.isArray(body.messages) ? body.messages : [];
    all.push(...list);
    if (!body.more || list.length === 0) break;
    from = Number(list[list.length - 1].seq);
  }
  return all;
}

/** The latest chats: from the hub, or from the service worker's cache when the hub is down. */
export function recent(room) {
  return getJson(snapshotUrl(room));
}

/** Stores the latest chats shown as the room's offline snapshot (best effort). */
export async function saveSnapshot(room, messages) {
  if (!('caches' in window)) return;
  try {
    const cache = await caches.open(SNAPSHOT_CACHE);
    const body = JSON.stringify({ room, messages: messages.slice(-SNAPSHOT_SIZE), more: true, cached: true });
    await cache.put(snapshotUrl(room), new Response(body, { headers: { 'Content-Type': 'application/json' } }));
  } catch (_) { /* storage full or unavailable: the snapshot is an optimisation */ }
}
