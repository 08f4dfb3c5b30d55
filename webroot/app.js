// Hubbub browser client: plain ES2020 modules, no dependencies.
// Security rule: untrusted text only ever goes through textContent.
import { el, buildChat, markEdited, markDeleted, setLinkedText, insertBySeq, relayout, setStatus as setLineStatus,
  buildActions, openEditor, confirmDelete } from './js/view.js';
import { Outbox } from './js/outbox.js';
import * as history from './js/history.js';
import { Rooms } from './js/rooms.js';

const MAX_TEXT = 4000;
const COUNTER_FROM = MAX_TEXT - 500;      // the character counter shows from here on
const BACKOFF_BASE_MS = 500;
const BACKOFF_FACTOR = 2;
const BACKOFF_CAP_MS = 30000;
const TAKEN_RETRIES = 4;                  // a reload can race the server's cleanup of our old socket
const PREF_USER = 'hubbub.username';      // localStorage: the name last used in this browser
const TAB_USER = 'hubbub.tab.username';   // sessionStorage: the name this tab joined with
const TAB_ACTIVE = 'hubbub.tab.active';   // sessionStorage: {room} while this tab wants to be in a room
const CLOSE_UNAUTHENTICATED = 4401;       // missing, invalid or expired token: reconnecting will not help
// After a node is lost, our old session keeps our name at the room's owner until the cluster notices
// (cluster.failureTimeoutMs, 8 s by default): a rejoin refused as "taken" is asked again meanwhile.
const TAKEN_AFTER_LOSS_MS = 20000;
const TAKEN_AFTER_LOSS_RETRY_MS = 1000;

const $ = (id) => document.getElementById(id);
const ui = {
  joinForm: $('join-form'), username: $('username'), room: $('room'), join: $('join'), leave: $('leave'),
  joinError: $('join-error'), status: $('status'), roomTitle: $('room-title'), messages: $('messages'),
  newMarker: $('new-messages'), users: $('users'), userCount: $('user-count'), sendForm: $('send-form'),
  text: $('text'), send: $('send'), counter: $('counter'), pending: $('pending'), account: $('account'),
  whoami: $('whoami'), loginLink: $('login-link'), logout: $('logout'),
};

const state = {
  ws: null,
  wantJoined: false,   // the user asked to be in a room: drives reconnects and the outbox
  joined: false,       // welcome received on the current socket
  awaitingWelcome: false,
  manualJoin: false,   // the next join was user-initiated, so it sends no `since`
  room: '',
  username: '',        // name we ask for
  nameSource: 'typed', // typed | tab (this tab's own) | shared (another tab's, from localStorage)
  baseName: '',        // the name before any suffix for a taken name
  takenTries: 0,
  me: '',              // name the server confirmed in welcome
  attempt: 0,
  endpoint: 0,         // index into ENDPOINTS of the node we use now
  lostAt: 0,           // when a joined connection was lost (0: not resuming one)
  reconnectTimer: null,
  countdownTimer: null,
  account: null,
  csrfToken: '',
  unseen: 0,           // live messages that arrived while scrolled up
  loadingOlder: false,
  noOlder: false,
};

const ENDPOINTS = endpoints();
const outbox = new Outbox();
const rooms = new Rooms();
let snapshotTimer = null;

// ---------- small utilities ----------

function ownWsUrl() {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/ws`;
}

// The WebSocket URLs to use, in order: <meta name="hubbub-endpoints" content="wss://a/ws wss://b/ws">
// (space- or comma-separated, ws: or wss: only), else this page's own host. A lost or refused connection
// moves on to the next one (a node of the cluster that is still up), and resumes there.
function endpoints() {
  const meta = document.querySelector('meta[name="hubbub-endpoints"]');
  const list = (meta ? meta.content : '').split(/[\s,]+/).filter((u) => /^wss?:\/\/[^\s/]+/i.test(u));
  return list.length > 0 ? list : [ownWsUrl()];
}

function wsUrl() {
  return ENDPOINTS[state.endpoint % ENDPOINTS.length];
}

function nextEndpoint() {
  state.endpoint = (state.endpoint + 1) % ENDPOINTS.length;
}

// crypto.randomUUID only exists in secure contexts, so fall back gracefully.
function newId() {
  if (window.crypto && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  if (window.crypto && typeof crypto.getRandomValues === 'function') {
    return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
  }
  return Date.now().toString(36) + Math.random().toString(36).slice(2);
}

function storageGet(store, key) {
  try { return store.getItem(key); } catch (_) { return null; }
}
function storageSet(store, key, value) {
  try { if (value === null) store.removeItem(key); else store.setItem(key, value); } catch (_) { /* best effort */ }
}

// Find a line by id or cid without building a CSS selector from untrusted data.
function findLine(key, value) {
  if (value === undefined || value === null) return null;
  const wanted = String(value);
  for (const li of ui.messages.querySelectorAll('li.msg')) if (li.dataset[key] === wanted) return li;
  return null;
}
const findMessage = (id) => findLine('id', id);
const findOutbox = (cid) => findLine('cid', cid);

// ---------- status display ----------

// kind: connecting | connected | reconnecting | disconnected; page: joined | connecting | disconnected | refused
function setStatus(kind, label) {
  ui.status.textContent = label || kind;
  ui.status.dataset.status = kind;
  if (state.joined) document.body.dataset.state = 'joined';
  else if (document.body.dataset.state !== 'refused' || kind !== 'disconnected') {
    document.body.dataset.state = kind === 'disconnected' ? 'disconnected' : 'connecting';
  }
}

function setJoined(joined) {
  state.joined = joined;
  // While reconnecting, typing goes on: messages wait in the outbox.
  const canWrite = joined || state.wantJoined;
  ui.text.disabled = !canWrite;
  ui.text.placeholder = joined ? `Message #${state.room}` : (canWrite ? `Message #${state.room} (sent when back online)` : 'Join a room to chat');
  ui.leave.disabled = !state.wantJoined;
  updateCounter();
  if (joined) document.body.dataset.state = 'joined';
  else if (document.body.dataset.state === 'joined') document.body.dataset.state = 'connecting';
}

function setTitle(room) {
  ui.roomTitle.textContent = room ? `#${room}` : '';
  document.title = room ? `#${room} · Hubbub` : 'Hubbub';
}

function showJoinError(message, field) {
  ui.joinError.textContent = message || '';
  ui.joinError.hidden = !message;
  ui.username.removeAttribute('aria-invalid');
  ui.room.removeAttribute('aria-invalid');
  if (field) {
    field.setAttribute('aria-invalid', 'true');
    field.focus();
    field.select?.();
  }
}

function updatePending() {
  const n = ui.messages.querySelectorAll('li.msg[data-status="pending"]').length;
  ui.pending.hidden = n === 0;
  ui.pending.textContent = n === 0 ? '' : `${n} waiting to send`;
}

function updateCounter() {
  const n = ui.text.value.length;
  const over = n > MAX_TEXT;
  ui.counter.hidden = n < COUNTER_FROM;
  ui.counter.textContent = `${n}/${MAX_TEXT}`;
  ui.counter.classList.toggle('over', over);
  ui.send.disabled = ui.text.disabled || over;
  ui.text.setAttribute('aria-invalid', over ? 'true' : 'false');
}

function autoGrow() {
  ui.text.style.height = 'auto';
  ui.text.style.height = `${Math.min(ui.text.scrollHeight, 160)}px`;
  ui.text.style.overflowY = ui.text.scrollHeight > 160 ? 'auto' : 'hidden';
}

// ---------- rendering ----------

function isAtBottom() {
  const m = ui.messages;
  return m.scrollHeight - m.scrollTop - m.clientHeight < 40;
}

function scrollToBottom() {
  ui.messages.scrollTop = ui.messages.scrollHeight;
  state.unseen = 0;
  ui.newMarker.hidden = true;
}

// Keeps the reader where they are unless they were at the bottom; counts what they have not seen.
function withScroll(change, live) {
  const stick = isAtBottom();
  change();
  relayout(ui.messages);
  if (stick) scrollToBottom();
  else if (live) {
    state.unseen += live;
    ui.newMarker.textContent = `${state.unseen} new message${state.unseen === 1 ? '' : 's'} ↓`;
    ui.newMarker.hidden = false;
  }
}

function system(text, variant) {
  const li = el('li', variant ? `system ${variant}` : 'system');
  li.appendChild(el('span', 'system-text', text));
  li.appendChild(el('span', 'msg-time', new Date().toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })));
  withScroll(() => ui.messages.appendChild(li), 0);
}

function isMine(username) {
  const me = state.me || state.username;
  return Boolean(me) && username === me;
}

function renderRoster(users) {
  const list = Array.isArray(users) ? users : [];
  const frag = document.createDocumentFragment();
  for (const u of list) {
    const name = typeof u === 'string' ? u : (u && u.username) || '?';
    const li = el('li', 'user', name);
    li.dataset.username = name;
    if (isMine(name)) li.classList.add('me');
    if (u && typeof u === 'object' && u.guest) li.classList.add('guest');
    frag.appendChild(li);
  }
  ui.users.replaceChildren(frag);
  ui.userCount.textContent = String(list.length);
}

function clearRoom() {
  ui.messages.replaceChildren();
  renderRoster([]);
  state.unseen = 0;
  state.noOlder = false;
  ui.newMarker.hidden = true;
}

// ---------- applying events ----------

// Shows a chat (live, replayed or paged); an own outbox line with its cid becomes the confirmed line.
function showChat(msg) {
  if (findMessage(msg.id)) return 0;
  const waiting = msg.cid ? findOutbox(msg.cid) : null;
  if (waiting) {
    confirmOutbox(waiting, msg);
    return 0;
  }
  insertBySeq(ui.messages, buildChat(msg, isMine(msg.username), isMine(msg.username) ? 'sent' : ''));
  return 1;
}

function confirmOutbox(li, msg) {
  const cid = li.dataset.cid;
  const other = findMessage(msg.id);
  if (other) {
    // Already shown (e.g. replayed after a reconnect before the resend's ack): one line, marked sent.
    li.remove();
    setLineStatus(other, 'sent');
  } else {
    li.dataset.id = String(msg.id);
    li.dataset.seq = String(msg.seq);
    if (msg.ts !== undefined) li.dataset.ts = String(msg.ts);
    setLineStatus(li, 'sent');
    li.querySelector('.msg-meta').appendChild(buildActions());
    li.remove();
    insertBySeq(ui.messages, li);
  }
  outbox.remove(cid);
  updatePending();
}

function applyEdited(msg) {
  const li = findMessage(msg.id);
  if (!li || li.classList.contains('is-deleted')) return;
  setLinkedText(li.querySelector('.msg-text'), msg.text ?? '');
  markEdited(li);
}

function applyDeleted(msg) {
  const li = findMessage(msg.id);
  if (li) markDeleted(li);
}

/** A persisted event (chat, edited, deleted) in seq order; returns how many new lines it added. */
function applyPersisted(msg) {
  const type = msg.type || 'chat';
  let added = 0;
  if (type === 'chat') added = showChat(msg);
  else if (type === 'edited') applyEdited(msg);
  else if (type === 'deleted') applyDeleted(msg);
  rooms.remember(state.room, msg);
  scheduleSnapshot();
  return added;
}

// Live persisted events go through the room's sequence check: a jump in seq is filled from history first.
function onLive(msg) {
  const verdict = rooms.offer(state.room, msg);
  if (verdict === 'apply') withScroll(() => applyPersisted(msg), msg.type === 'chat' && !isMine(msg.username) ? 1 : 0);
  else if (verdict === 'gap') fillGap(state.room);
}

async function fillGap(room) {
  const { after, before } = rooms.gapBounds(room);
  let list = [];
  try {
    list = await history.between(room, after, before);
  } catch (err) {
    system(`some messages could not be loaded (${err.message})`, 'warn');
  }
  if (room !== state.room) return;
  withScroll(() => { for (const m of list) applyPersisted(Object.assign({ type: 'chat' }, m)); }, 0);
  // What the page holds now reaches just below the held event; release the held events in order.
  for (const held of rooms.endGap(room)) onLive(held);
}

function scheduleSnapshot() {
  clearTimeout(snapshotTimer);
  const room = state.room;
  snapshotTimer = setTimeout(() => history.saveSnapshot(room, rooms.latest(room)), 500);
}

const handlers = {
  welcome(msg) {
    if (msg.room) state.room = msg.room;
    state.awaitingWelcome = false;
    state.manualJoin = false; // from now on, a rejoin continues what is shown
    state.takenTries = 0;
    state.me = msg.username || state.username;
    state.attempt = 0;
    state.lostAt = 0;
    document.body.dataset.endpoint = wsUrl();
    rooms.welcome(state.room, msg);
    storageSet(sessionStorage, TAB_USER, state.me);
    storageSet(sessionStorage, TAB_ACTIVE, JSON.stringify({ room: state.room }));
    if (!state.account) storageSet(localStorage, PREF_USER, state.baseName || state.me);
    ui.username.value = state.account ? state.account.username : state.me;
    ui.room.value = state.room;
    showJoinError('');
    setTitle(state.room);
    setJoined(true);
    setStatus('connected');
    renderRoster(msg.users);
    system(`joined #${state.room} as ${state.me}`);
    if (!ui.messages.contains(document.activeElement)) ui.text.focus();
  },

  history(msg) {
    if (msg.room && msg.room !== state.room) return;
    const list = Array.isArray(msg.messages) ? msg.messages : [];
    if (msg.truncated) {
      // The replay does not continue what we show (too much missed, or the history was replaced).
      clearRoom();
      system('older messages not shown: scroll up to load them');
    }
    rooms.history(state.room, msg);
    // Stays where the reader is unless they were at the bottom (a fresh view always is).
    withScroll(() => { for (const m of list) applyPersisted(Object.assign({ type: 'chat' }, m)); }, 0);
    flushOutbox();
  },

  joined(msg) {
    if (forCurrentRoom(msg)) system(`${msg.username} joined`, 'presence');
  },
  left(msg) {
    if (forCurrentRoom(msg)) system(`${msg.username} left`, 'presence');
  },
  roster(msg) {
    if (forCurrentRoom(msg)) renderRoster(msg.users);
  },
  chat(msg) { if (forCurrentRoom(msg)) onLive(msg); },
  edited(msg) { if (forCurrentRoom(msg)) onLive(msg); },
  deleted(msg) { if (forCurrentRoom(msg)) onLive(msg); },

  ack(msg) {
    const li = findOutbox(msg.cid);
    if (li) withScroll(() => confirmOutbox(li, msg), 0);
  },

  error(msg) {
    const li = msg.cid ? findOutbox(msg.cid) : null;
    if (li) {
      // The hub refused this message for good (too long, no access...): it stays visible, marked failed.
      outbox.remove(msg.cid);
      setLineStatus(li, 'failed', msg.message);
      li.querySelector('.msg-meta').appendChild(failedActions());
      updatePending();
    } else if (state.awaitingWelcome) {
      joinRefused(String(msg.message || 'the join was refused'));
    } else {
      system(msg.message || 'error', 'error');
    }
  },

  authenticated(msg) {
    if (msg.username) showAccount({ username: String(msg.username) });
  },
};

function forCurrentRoom(msg) {
  return msg.room === undefined || msg.room === null || msg.room === state.room;
}

function onFrame(data) {
  let msg;
  try { msg = JSON.parse(data); } catch (_) { return; }
  if (!msg || typeof msg !== 'object') return;
  const handler = Object.prototype.hasOwnProperty.call(handlers, msg.type) ? handlers[msg.type] : null;
  if (handler) handler(msg);
}

// ---------- joining, and refusals ----------

function joinRefused(reason) {
  const taken = /already taken/.test(reason);
  // Resuming after a lost connection: the name is likely still held by our own old session.
  if (taken && state.lostAt && Date.now() - state.lostAt < TAKEN_AFTER_LOSS_MS) {
    setTimeout(() => { if (state.awaitingWelcome) sendJoin(); }, TAKEN_AFTER_LOSS_RETRY_MS);
    return;
  }
  // Our own name from before a reload or a drop may still be held by the server for a moment.
  if (taken && state.nameSource === 'tab' && state.takenTries < TAKEN_RETRIES) {
    state.takenTries += 1;
    setTimeout(() => { if (state.awaitingWelcome) sendJoin(); }, 400 * state.takenTries);
    return;
  }
  // A name pre-filled from another tab of this browser: take the next free variant instead.
  if (taken && (state.nameSource === 'shared' || state.nameSource === 'tab') && state.takenTries < TAKEN_RETRIES + 8) {
    state.takenTries += 1;
    state.nameSource = 'shared';
    state.username = `${state.baseName}-${state.takenTries + 1}`.slice(0, 32);
    sendJoin();
    return;
  }
  state.awaitingWelcome = false;
  state.wantJoined = false;
  clearReconnect();
  storageSet(sessionStorage, TAB_ACTIVE, null);
  setJoined(false);
  setTitle('');
  renderRoster([]);
  document.body.dataset.state = 'refused';
  setStatus('disconnected', 'not joined');
  const field = /room/.test(reason) && !/username/.test(reason) ? ui.room : ui.username;
  showJoinError(reason, state.account && field === ui.username ? null : field);
}

function send(obj) {
  const ws = state.ws;
  if (!ws || ws.readyState !== WebSocket.OPEN) return false;
  ws.send(JSON.stringify(obj));
  return true;
}

function sendJoin() {
  const msg = state.account ? { type: 'join', room: state.room } : { type: 'join', room: state.room, username: state.username };
  // Only a reconnect (or a reload) resumes from where we were; a manual join wants fresh history.
  if (!state.manualJoin) Object.assign(msg, rooms.resumePoint(state.room));
  state.awaitingWelcome = true;
  send(msg);
}

function connect() {
  clearReconnect();
  setStatus('connecting');
  let ws;
  try {
    ws = new WebSocket(wsUrl());
  } catch (err) {
    system(`cannot connect: ${err.message}`, 'error');
    nextEndpoint();
    scheduleReconnect();
    return;
  }
  state.ws = ws;
  ws.addEventListener('open', () => { if (ws === state.ws && state.wantJoined) sendJoin(); });
  ws.addEventListener('message', (ev) => { if (ws === state.ws) onFrame(ev.data); });
  ws.addEventListener('close', (ev) => { if (ws === state.ws) onClose(ev); });
}

function onClose(ev) {
  const wasJoined = state.joined;
  if (wasJoined && !state.lostAt) state.lostAt = Date.now();
  state.ws = null;
  state.awaitingWelcome = false;
  state.manualJoin = false; // whatever we had, a reconnect continues from it
  setJoined(false);
  if (ev.code === CLOSE_UNAUTHENTICATED) {
    state.wantJoined = false;
    clearReconnect();
    setJoined(false);
    system(`${ev.reason || 'not logged in'}: log in again to chat`, 'error');
    showAccount(null, 'login expired');
    setStatus('disconnected', 'log in to chat');
    return;
  }
  if (ev.reason) system(`connection closed: ${ev.reason} (code ${ev.code})`, 'warn');
  else if (wasJoined) system('connection lost: messages you write wait and are sent on reconnect', 'warn');
  nextEndpoint(); // with several endpoints, the next node; with one, the same again
  if (state.wantJoined) scheduleReconnect();
  else setStatus('disconnected');
}

// Exponential backoff with full jitter: delay = random(0, min(cap, base * factor^n)), n counting rounds
// over the endpoints, so a lost node's clients try the next one at once.
function scheduleReconnect() {
  clearReconnect();
  const rounds = Math.floor(state.attempt / ENDPOINTS.length);
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * BACKOFF_FACTOR ** Math.min(rounds, 16));
  state.attempt += 1;
  const delay = Math.random() * ceiling;
  const deadline = Date.now() + delay;
  const tick = () => setStatus('reconnecting', `reconnecting in ${Math.max(0, Math.ceil((deadline - Date.now()) / 1000))}s`);
  tick();
  state.countdownTimer = setInterval(tick, 250);
  state.reconnectTimer = setTimeout(connect, delay);
}

function clearReconnect() {
  clearTimeout(state.reconnectTimer);
  clearInterval(state.countdownTimer);
  state.reconnectTimer = null;
  state.countdownTimer = null;
}

// ---------- the outbox ----------

function renderOutboxLine(item) {
  const li = buildChat({ cid: item.cid, username: item.username, text: item.text, ts: item.created }, true, 'pending');
  ui.messages.appendChild(li);
  return li;
}

// After a (re)join: every waiting message of this room is shown and sent again, oldest first.
async function flushOutbox() {
  const room = state.room;
  const items = await outbox.forRoom(room);
  if (room !== state.room || !state.joined) return;
  withScroll(() => {
    for (const item of items) {
      if (!findOutbox(item.cid)) renderOutboxLine(item);
      send({ type: 'chat', text: item.text, cid: item.cid });
    }
  }, 0);
  updatePending();
}

function failedActions() {
  const box = el('span', 'msg-actions msg-failed-actions');
  const retry = el('button', 'msg-retry', 'retry');
  retry.type = 'button';
  const discard = el('button', 'msg-discard', 'discard');
  discard.type = 'button';
  box.append(retry, discard);
  return box;
}

// ---------- user actions ----------

function doJoin() {
  const username = state.account ? state.account.username : ui.username.value.trim();
  const room = ui.room.value.trim() || 'general';
  if (!username) {
    showJoinError('enter a name to join', ui.username);
    return;
  }
  showJoinError('');
  ui.room.value = room;
  state.username = username;
  state.baseName = username;
  state.takenTries = 0;
  state.room = room;
  state.me = '';
  state.lostAt = 0;
  state.wantJoined = true;
  state.manualJoin = true;
  rooms.reset(room);
  clearRoom();
  setTitle(room);
  setJoined(false);
  openOrJoin();
}

function openOrJoin() {
  const ws = state.ws;
  setStatus('connecting');
  if (ws && ws.readyState === WebSocket.OPEN) sendJoin(); // the server treats a join as a room switch
  else if (!ws || ws.readyState !== WebSocket.CONNECTING) {
    state.attempt = 0;
    connect();
  }
}

function doLeave() {
  state.wantJoined = false;
  clearReconnect();
  send({ type: 'leave' });
  const ws = state.ws;
  state.ws = null; // detach first so our own close isn't reported as a drop
  if (ws) ws.close(1000, 'leave');
  storageSet(sessionStorage, TAB_ACTIVE, null);
  setJoined(false);
  renderRoster([]);
  setTitle('');
  system('you left the room');
  setStatus('disconnected');
}

function doSend() {
  if (!state.wantJoined) return;
  const text = ui.text.value.trim();
  if (!text) return;
  if (text.length > MAX_TEXT) {
    updateCounter();
    return; // the counter says by how much; nothing is cut
  }
  const item = { cid: newId(), room: state.room, username: state.me || state.username, text, created: Date.now() };
  outbox.put(item);
  withScroll(() => renderOutboxLine(item), 0);
  scrollToBottom();
  if (state.joined) send({ type: 'chat', text, cid: item.cid });
  updatePending();
  ui.text.value = '';
  autoGrow();
  updateCounter();
  ui.text.focus();
}

async function onMessageClick(ev) {
  const target = ev.target;
  if (!(target instanceof Element)) return;
  const button = target.closest('button');
  const li = button && button.closest('li.msg');
  if (!li) return;
  if (button.classList.contains('msg-edit') && li.dataset.id) {
    const text = await openEditor(li, MAX_TEXT);
    if (text !== null && !send({ type: 'edit', id: li.dataset.id, text, cid: newId() })) system('not connected; edit not sent', 'error');
  } else if (button.classList.contains('msg-delete') && li.dataset.id) {
    if (await confirmDelete(li) && !send({ type: 'delete', id: li.dataset.id, cid: newId() })) system('not connected; delete not sent', 'error');
  } else if (button.classList.contains('msg-retry')) {
    const item = { cid: newId(), room: state.room, username: state.me || state.username, text: li.querySelector('.msg-text').textContent, created: Date.now() };
    li.remove();
    outbox.put(item);
    withScroll(() => renderOutboxLine(item), 0);
    if (state.joined) send({ type: 'chat', text: item.text, cid: item.cid });
    updatePending();
  } else if (button.classList.contains('msg-discard')) {
    li.remove();
  }
}

// Scrolled to the top: the page before the oldest line shown, over REST, keeping the reader's place.
async function loadOlder() {
  if (state.loadingOlder || state.noOlder || !state.room) return;
  const first = ui.messages.querySelector('li.msg[data-seq]');
  if (!first) return;
  state.loadingOlder = true;
  const room = state.room;
  try {
    const page = await history.olderThan(room, first.dataset.seq);
    if (room !== state.room) return;
    const list = Array.isArray(page.messages) ? page.messages : [];
    state.noOlder = !page.more;
    const before = ui.messages.scrollHeight;
    for (const m of list) if (!findMessage(m.id)) insertBySeq(ui.messages, buildChat(m, isMine(m.username), ''));
    relayout(ui.messages);
    ui.messages.scrollTop += ui.messages.scrollHeight - before;
  } catch (err) {
    system(`older messages could not be loaded (${err.message})`, 'warn');
  } finally {
    state.loadingOlder = false;
  }
}

// ---------- account ----------

function showAccount(account, problem) {
  state.account = account;
  ui.account.dataset.account = account ? 'user' : 'guest';
  ui.whoami.textContent = account ? `logged in as ${account.username}` : (problem || 'guest');
  ui.loginLink.hidden = Boolean(account);
  ui.logout.hidden = !(account || problem === 'login expired');
  ui.username.readOnly = Boolean(account);
  if (account) ui.username.value = account.username;
}

async function loadAccount() {
  try {
    const res = await fetch('/api/me', { credentials: 'same-origin', headers: { Accept: 'application/json' } });
    const body = await res.json().catch(() => ({}));
    if (res.ok) {
      state.csrfToken = body.csrfToken || '';
      if (body.authenticated) showAccount({ username: String(body.username) });
      else showAccount(null, body.guests === false ? 'log in to chat' : undefined);
    } else {
      showAccount(null, 'login expired');
      system(`${body.error || 'your login is no longer valid'}: log in again, or log out to continue as a guest`, 'warn');
    }
  } catch (_) {
    showAccount(null, 'offline');
  }
}

async function doLogout() {
  try {
    await fetch('/api/logout', { method: 'POST', credentials: 'same-origin', headers: { 'X-XSRF-TOKEN': state.csrfToken } });
    if ('caches' in window) await caches.delete('hubbub-history-v1');
  } finally {
    location.reload();
  }
}

// ---------- startup ----------

// A reload (or an offline start) shows the room's recent messages first, then resumes after them.
async function rejoinAfterReload(room) {
  state.room = room;
  state.username = ui.username.value.trim();
  state.baseName = (storageGet(localStorage, PREF_USER) || state.username);
  state.nameSource = 'tab';
  state.wantJoined = true;
  rooms.reset(room);
  setTitle(room);
  setJoined(false);
  try {
    const snapshot = await history.recent(room);
    const list = Array.isArray(snapshot.messages) ? snapshot.messages : [];
    rooms.baseline(room, list, snapshot.epoch);
    withScroll(() => { for (const m of list) applyPersisted(Object.assign({ type: 'chat' }, m)); }, 0);
    scrollToBottom();
    if (snapshot.cached) system('offline: showing the messages saved on this device');
  } catch (_) {
    rooms.reset(room); // nothing to continue from: the join replays the latest history
  }
  const items = await outbox.forRoom(room);
  withScroll(() => { for (const item of items) if (!findOutbox(item.cid)) renderOutboxLine(item); }, 0);
  updatePending();
  if (state.wantJoined && !state.ws) openOrJoin();
}

function init() {
  const tabName = storageGet(sessionStorage, TAB_USER);
  const sharedName = storageGet(localStorage, PREF_USER);
  ui.username.value = tabName || sharedName || '';
  state.nameSource = tabName ? 'tab' : (sharedName ? 'shared' : 'typed');
  ui.username.addEventListener('input', () => { state.nameSource = 'typed'; });
  ui.room.addEventListener('input', () => showJoinError(''));

  ui.joinForm.addEventListener('submit', (ev) => { ev.preventDefault(); doJoin(); });
  ui.leave.addEventListener('click', doLeave);
  ui.sendForm.addEventListener('submit', (ev) => { ev.preventDefault(); doSend(); });
  ui.text.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) { ev.preventDefault(); doSend(); }
  });
  ui.text.addEventListener('input', () => { autoGrow(); updateCounter(); });
  ui.messages.addEventListener('click', onMessageClick);
  ui.messages.addEventListener('scroll', () => {
    if (isAtBottom()) scrollToBottom();
    if (ui.messages.scrollTop < 60) loadOlder();
  });
  ui.newMarker.addEventListener('click', scrollToBottom);
  ui.logout.addEventListener('click', doLogout);
  window.addEventListener('online', () => { if (state.wantJoined && state.reconnectTimer) connect(); });
  // Leaving the page: say so at once, so a reload finds our name free again.
  window.addEventListener('pagehide', () => { if (state.ws) state.ws.close(1000, 'page closed'); });

  if ('serviceWorker' in navigator) navigator.serviceWorker.register('/sw.js').catch(() => undefined);

  setJoined(false);
  setStatus('disconnected');
  updatePending();
  const active = (() => { try { return JSON.parse(storageGet(sessionStorage, TAB_ACTIVE) || 'null'); } catch (_) { return null; } })();
  if (active && active.room) ui.room.value = active.room;
  loadAccount().then(() => {
    if (active && active.room && (ui.username.value.trim() || state.account)) rejoinAfterReload(active.room);
  });
}

init();
