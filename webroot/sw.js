// Hubbub service worker: the chat opens, with each room's recent messages, while the hub is unreachable.
// Network first (a reachable hub always serves the current files and history); the cache only answers
// when the network fails. Only same-origin GETs of the app shell and the history snapshot are touched:
// WebSocket, SSE, SockJS and every write go straight to the network.
'use strict';

const SHELL_CACHE = 'hubbub-shell-v1';
const HISTORY_CACHE = 'hubbub-history-v1';
const SHELL = ['/', '/index.html', '/app.css', '/app.js', '/js/view.js', '/js/outbox.js', '/js/history.js', '/js/rooms.js', '/favicon.svg'];
const SNAPSHOT = /^\/api\/rooms\/[^/]+\/messages$/;

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(SHELL_CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  const keep = new Set([SHELL_CACHE, HISTORY_CACHE]);
  event.waitUntil(caches.keys()
    .then((names) => Promise.all(names.filter((n) => !keep.has(n)).map((n) => caches.delete(n))))
    .then(() => self.clients.claim()));
});

function isSnapshot(url) {
  // Only the exact "latest page" request is a snapshot; paging and search always need the hub.
  return SNAPSHOT.test(url.pathname) && url.search === '?limit=50';
}

async function networkFirst(request, cacheName) {
  try {
    const response = await fetch(request);
    if (response.ok) {
      const copy = response.clone();
      caches.open(cacheName).then((cache) => cache.put(request, copy)).catch(() => undefined);
    }
    return response;
  } catch (err) {
    const cached = await caches.match(request, { cacheName });
    if (cached) return cached;
    throw err;
  }
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (isSnapshot(url)) event.respondWith(networkFirst(request, HISTORY_CACHE));
  else if (SHELL.includes(url.pathname)) event.respondWith(networkFirst(request, SHELL_CACHE));
});
