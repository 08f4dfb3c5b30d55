// Hubbub browser client: plain ES2020, no dependencies.
// Security rule: untrusted text only ever goes through textContent.
'use strict';

(() => {
  const MAX_TEXT = 4000;
  const BACKOFF_BASE_MS = 500;
  const BACKOFF_FACTOR = 2;
  const BACKOFF_CAP_MS = 30000;
  const SEQ_KEY_PREFIX = 'hubbub.lastSeq.';
  const PREF_USER = 'hubbub.username';
  const PREF_ROOM = 'hubbub.room';
  const CLOSE_UNAUTHENTICATED = 4401; // missing, invalid or expired token: reconnecting will not help

  const $ = (id) => document.getElementById(id);
  const ui = {
    joinForm: $('join-form'),
    username: $('username'),
    room: $('room'),
    join: $('join'),
    leave: $('leave'),
    status: $('status'),
    roomTitle: $('room-title'),
    messages: $('messages'),
    users: $('users'),
    userCount: $('user-count'),
    sendForm: $('send-form'),
    text: $('text'),
    send: $('send'),
    pending: $('pending'),
    account: $('account'),
    whoami: $('whoami'),
    loginLink: $('login-link'),
    logout: $('logout'),
  };

  const state = {
    ws: null,
    wantJoined: false,   // user asked to be in a room; drives auto-reconnect
    joined: false,       // welcome received on the current socket
    manualJoin: false,   // next join was user-initiated, so it sends no `since`
    freshView: false,    // message list was cleared for a manual join not yet welcomed
    room: '',            // room we asked for (replaced by the server's name on welcome)
    username: '',        // name we asked for
    me: '',              // name the server confirmed in welcome
    attempt: 0,          // reconnect attempt counter for backoff
    reconnectTimer: null,
    countdownTimer: null,
    pending: new Map(),  // cid -> text, awaiting ack
    lastSeq: new Map(),  // room -> highest seq seen (mirrored to sessionStorage)
    account: null,       // {username} when logged in (the cookie is sent with the WebSocket upgrade)
    csrfToken: '',       // for POST /api/logout
  };

  // ---------- small utilities ----------

  function wsUrl() {
    return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/ws`;
  }

  // crypto.randomUUID only exists in secure contexts, so fall back gracefully.
  function newId() {
    if (window.crypto && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
    if (window.crypto && typeof crypto.getRandomValues === 'function') {
      const bytes = crypto.getRandomValues(new Uint8Array(16));
      return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
    }
    return Date.now().toString(36) + Math.random().toString(36).slice(2);
  }

  // Storage can throw (private mode, quota); preferences are best-effort.
  function storageGet(store, key) {
    try { return store.getItem(key); } catch (_) { return null; }
  }
  function storageSet(store, key, value) {
    try { store.setItem(key, value); } catch (_) { /* ignore */ }
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function formatTime(ts) {
    if (ts === undefined || ts === null) return '';
    const d = new Date(ts);
    return Number.isNaN(d.getTime()) ? '' : d.toLocaleTimeString();
  }

  // Find a message <li> by id without building a CSS selector from untrusted data.
  function findMessage(id) {
    if (id === undefined || id === null) return null;
    const key = String(id);
    for (const li of ui.messages.querySelectorAll('li.msg')) {
      if (li.dataset.id === key) return li;
    }
    return null;
  }

  // ---------- last-seq tracking ----------

  function getLastSeq(room) {
    if (!state.lastSeq.has(room)) {
      const stored = Number(storageGet(sessionStorage, SEQ_KEY_PREFIX + room));
      state.lastSeq.set(room, Number.isFinite(stored) ? stored : 0);
    }
    return state.lastSeq.get(room);
  }

  function setLastSeq(room, seq) {
    state.lastSeq.set(room, seq);
    storageSet(sessionStorage, SEQ_KEY_PREFIX + room, String(seq));
  }

  function bumpSeq(room, seq) {
    const n = Number(seq);
    if (!room || !Number.isFinite(n)) return;
    if (n > getLastSeq(room)) setLastSeq(room, n);
  }

  // ---------- status / state display ----------

  // kind: connecting | connected | reconnecting | disconnected
  function setStatus(kind, label) {
    ui.status.textContent = label || kind;
    ui.status.dataset.status = kind;
    // Test hook: only "joined" once welcomed; otherwise connecting/disconnected.
    if (state.joined) document.body.dataset.state = 'joined';
    else document.body.dataset.state = (kind === 'disconnected') ? 'disconnected' : 'connecting';
  }

  function setJoined(joined) {
    state.joined = joined;
    ui.text.disabled = !joined;
    ui.send.disabled = !joined;
    ui.text.placeholder = joined ? `Message #${state.room}` : 'Join a room to chat';
    ui.leave.disabled = !state.wantJoined;
    if (joined) document.body.dataset.state = 'joined';
    else if (document.body.dataset.state === 'joined') document.body.dataset.state = 'connecting';
  }

  function updatePending() {
    const n = state.pending.size;
    ui.pending.hidden = n === 0;
    ui.pending.textContent = n === 0 ? '' : `sending… (${n})`;
  }

  // ---------- rendering ----------

  function isAtBottom() {
    const m = ui.messages;
    return m.scrollHeight - m.scrollTop - m.clientHeight < 40;
  }

  function scrollToBottom() {
    ui.messages.scrollTop = ui.messages.scrollHeight;
  }

  // Append while preserving the user's scroll position unless they were at the bottom.
  function appendLine(li) {
    const stick = isAtBottom();
    ui.messages.appendChild(li);
    if (stick) scrollToBottom();
  }

  function system(text, variant) {
    const li = el('li', variant ? `system ${variant}` : 'system');
    li.appendChild(el('span', 'system-text', text));
    const time = el('span', 'msg-time', new Date().toLocaleTimeString());
    li.appendChild(time);
    appendLine(li);
  }

  function isMine(username) {
    const me = state.me || state.username;
    return Boolean(me) && username === me;
  }

  function buildActions() {
    const box = el('span', 'msg-actions');
    const edit = el('button', 'msg-edit', 'edit');
    edit.type = 'button';
    edit.title = 'Edit message';
    const del = el('button', 'msg-delete', 'delete');
    del.type = 'button';
    del.title = 'Delete message';
    box.append(edit, del);
    return box;
  }

  function buildChat(msg) {
    const li = el('li', 'msg');
    if (msg.id !== undefined && msg.id !== null) li.dataset.id = String(msg.id);
    if (msg.seq !== undefined && msg.seq !== null) li.dataset.seq = String(msg.seq);
    const mine = isMine(msg.username);
    if (mine) li.classList.add('msg-mine');

    const meta = el('div', 'msg-meta');
    meta.appendChild(el('span', 'msg-author', msg.username ?? '?'));
    if (msg.guest) meta.appendChild(el('span', 'msg-guest', 'guest'));
    const time = el('span', 'msg-time', formatTime(msg.ts));
    if (msg.ts !== undefined) {
      const d = new Date(msg.ts);
      if (!Number.isNaN(d.getTime())) time.title = d.toLocaleString();
    }
    meta.appendChild(time);
    if (mine) meta.appendChild(buildActions());

    li.append(meta, el('span', 'msg-text', msg.text ?? ''));

    // History entries may already carry edit/delete state.
    if (msg.deleted) markDeleted(li);
    else if (msg.edited) markEdited(li);
    return li;
  }

  // The "(edited)" marker sits right after the time, before any action buttons.
  function markEdited(li) {
    li.classList.add('is-edited');
    if (li.querySelector('.msg-edited')) return;
    li.querySelector('.msg-time').after(el('span', 'msg-edited', '(edited)'));
  }

  function markDeleted(li) {
    li.classList.remove('is-edited');
    li.classList.add('is-deleted');
    const edited = li.querySelector('.msg-edited');
    if (edited) edited.remove();
    li.querySelector('.msg-text').textContent = 'message deleted';
    const actions = li.querySelector('.msg-actions');
    if (actions) actions.remove();
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
  }

  // ---------- applying server events ----------

  // Ignore stragglers from a room we just switched away from.
  function forCurrentRoom(msg) {
    return msg.room === undefined || msg.room === null || msg.room === state.room;
  }

  function applyChat(msg, fromHistory) {
    const room = msg.room || state.room;
    if (fromHistory && Number(msg.seq) <= getLastSeq(room)) return; // already shown
    if (findMessage(msg.id)) return;                                // duplicate delivery
    appendLine(buildChat(msg));
  }

  function applyEdited(msg) {
    const li = findMessage(msg.id);
    if (!li || li.classList.contains('is-deleted')) return;
    li.querySelector('.msg-text').textContent = msg.text ?? '';
    markEdited(li);
  }

  function applyDeleted(msg) {
    const li = findMessage(msg.id);
    if (li) markDeleted(li);
  }

  // Shared by live events and history entries (history items are chat-like).
  function applyEvent(msg, fromHistory) {
    const type = msg.type || 'chat';
    if (type === 'chat') applyChat(msg, fromHistory);
    else if (type === 'edited') applyEdited(msg);
    else if (type === 'deleted') applyDeleted(msg);
    else return;
    bumpSeq(msg.room || state.room, msg.seq);
  }

  const handlers = {
    welcome(msg) {
      // The server may normalise the room name; a fresh view needs a zero baseline for it too.
      if (msg.room && msg.room !== state.room) {
        state.room = msg.room;
        if (state.freshView) setLastSeq(state.room, 0);
      }
      state.freshView = false;
      state.me = msg.username || state.username;
      state.attempt = 0; // successful session: reset backoff
      ui.roomTitle.textContent = `#${state.room}`;
      setJoined(true);
      setStatus('connected');
      renderRoster(msg.users);
      system(`joined #${state.room} as ${state.me}`);
      if (document.activeElement === ui.join || document.activeElement === document.body) ui.text.focus();
    },

    history(msg) {
      if (!forCurrentRoom(msg)) return;
      const stick = isAtBottom();
      // A truncated replay does not continue from our last seq (too much was missed, or the server's
      // history no longer reaches it): what it holds is the new baseline.
      if (msg.truncated) {
        setLastSeq(msg.room, 0);
        system('older messages not shown');
      }
      const list = Array.isArray(msg.messages) ? msg.messages : [];
      for (const m of list) applyEvent(Object.assign({ room: msg.room }, m), true);
      if (stick) scrollToBottom();
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

    chat(msg) {
      if (msg.cid && state.pending.delete(msg.cid)) updatePending();
      if (forCurrentRoom(msg)) applyEvent(msg, false);
    },

    edited(msg) {
      if (forCurrentRoom(msg)) applyEvent(msg, false);
    },

    deleted(msg) {
      if (forCurrentRoom(msg)) applyEvent(msg, false);
    },

    ack(msg) {
      if (state.pending.delete(msg.cid)) updatePending();
    },

    error(msg) {
      system(msg.message || 'error', 'error');
    },

    authenticated(msg) {
      if (msg.username) showAccount({ username: String(msg.username) });
    },
  };

  function onFrame(data) {
    let msg;
    try {
      msg = JSON.parse(data);
    } catch (_) {
      return; // not JSON: nothing sensible to show
    }
    if (!msg || typeof msg !== 'object') return;
    const handler = Object.prototype.hasOwnProperty.call(handlers, msg.type) ? handlers[msg.type] : null;
    if (handler) handler(msg);
  }

  // ---------- connection lifecycle ----------

  function send(obj) {
    const ws = state.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return false;
    ws.send(JSON.stringify(obj));
    return true;
  }

  function sendJoin() {
    // Logged in: the server takes the name from the token; a guest names themselves.
    const msg = state.account ? { type: 'join', room: state.room } : { type: 'join', room: state.room, username: state.username };
    // Only a reconnect resumes from where we were; a manual join wants fresh history.
    if (!state.manualJoin) {
      const since = getLastSeq(state.room);
      if (since > 0) msg.since = since;
    }
    state.manualJoin = false;
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
      scheduleReconnect();
      return;
    }
    state.ws = ws;
    // Each listener checks identity so events from an abandoned socket are ignored.
    ws.addEventListener('open', () => { if (ws === state.ws) sendJoin(); });
    ws.addEventListener('message', (ev) => { if (ws === state.ws) onFrame(ev.data); });
    ws.addEventListener('close', (ev) => { if (ws === state.ws) onClose(ev); });
  }

  function onClose(ev) {
    const wasJoined = state.joined;
    state.ws = null;
    setJoined(false);
    if (ev.code === CLOSE_UNAUTHENTICATED) {
      // The login is missing, expired or revoked: retrying with the same cookie is refused again.
      state.wantJoined = false;
      clearReconnect();
      dropPending();
      system(`${ev.reason || 'not logged in'}: log in again to chat`, 'error');
      showAccount(null, 'login expired');
      setStatus('disconnected', 'log in to chat');
      return;
    }
    if (ev.reason) system(`connection closed: ${ev.reason} (code ${ev.code})`, 'warn');
    else if (wasJoined) system('connection lost', 'warn');
    dropPending();
    if (state.wantJoined) scheduleReconnect();
    else setStatus('disconnected');
  }

  // Unacked messages may or may not have reached the server; resending risks duplicates.
  function dropPending() {
    if (state.pending.size === 0) return;
    const n = state.pending.size;
    state.pending.clear();
    updatePending();
    system(`${n} message${n === 1 ? '' : 's'} may not have been delivered`, 'warn');
  }

  // Exponential backoff with full jitter: delay = random(0, min(cap, base * factor^n)).
  function scheduleReconnect() {
    clearReconnect();
    const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * BACKOFF_FACTOR ** Math.min(state.attempt, 16));
    state.attempt += 1;
    const delay = Math.random() * ceiling;
    const deadline = Date.now() + delay;

    const tick = () => {
      const secs = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
      setStatus('reconnecting', `reconnecting in ${secs}s`);
    };
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

  // ---------- user actions ----------

  function doJoin() {
    const username = state.account ? state.account.username : ui.username.value.trim();
    const room = ui.room.value.trim() || 'general';
    if (!username) {
      system('enter a username to join', 'error');
      ui.username.focus();
      return;
    }
    ui.room.value = room;
    storageSet(localStorage, PREF_USER, username);
    storageSet(localStorage, PREF_ROOM, room);

    state.username = username;
    state.room = room;
    state.me = '';
    state.wantJoined = true;
    state.manualJoin = true;
    state.freshView = true;
    // A fresh join starts with an empty view, so the seq baseline starts over too.
    setLastSeq(room, 0);
    clearRoom();
    ui.roomTitle.textContent = `#${room}`;
    setJoined(false);

    const ws = state.ws;
    if (ws && ws.readyState === WebSocket.OPEN) {
      setStatus('connecting');
      sendJoin(); // server treats join as a room switch
    } else if (ws && ws.readyState === WebSocket.CONNECTING) {
      setStatus('connecting'); // the open handler will send the join
    } else {
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
    setJoined(false);
    dropPending();
    renderRoster([]);
    system('you left the room');
    setStatus('disconnected');
  }

  function doSend() {
    if (!state.joined) return;
    const text = ui.text.value.trim();
    if (!text) return;
    if (text.length > MAX_TEXT) {
      system(`message too long (max ${MAX_TEXT} characters)`, 'error');
      return;
    }
    const cid = newId();
    if (!send({ type: 'chat', text, cid })) {
      system('not connected; message not sent', 'error');
      return;
    }
    state.pending.set(cid, text);
    updatePending();
    ui.text.value = '';
    ui.text.focus();
  }

  function onMessageClick(ev) {
    const target = ev.target;
    if (!(target instanceof Element)) return;
    const button = target.closest('button.msg-edit, button.msg-delete');
    if (!button) return;
    const li = button.closest('li.msg');
    if (!li || !li.dataset.id) return;
    if (button.classList.contains('msg-edit')) editMessage(li);
    else deleteMessage(li);
  }

  function editMessage(li) {
    const current = li.querySelector('.msg-text').textContent;
    const next = window.prompt('Edit message', current);
    if (next === null) return;
    const text = next.trim();
    if (!text || text === current) return;
    if (text.length > MAX_TEXT) {
      system(`message too long (max ${MAX_TEXT} characters)`, 'error');
      return;
    }
    if (!send({ type: 'edit', id: li.dataset.id, text })) system('not connected; edit not sent', 'error');
  }

  function deleteMessage(li) {
    if (!window.confirm('Delete this message?')) return;
    if (!send({ type: 'delete', id: li.dataset.id })) system('not connected; delete not sent', 'error');
  }

  // ---------- account ----------

  // Shows who we are; a logged-in user's name is locked (the server takes it from the token).
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
      showAccount(null);
    }
  }

  async function doLogout() {
    try {
      await fetch('/api/logout', { method: 'POST', credentials: 'same-origin', headers: { 'X-XSRF-TOKEN': state.csrfToken } });
    } finally {
      location.reload();
    }
  }

  // ---------- startup ----------

  function init() {
    ui.username.value = storageGet(localStorage, PREF_USER) || '';
    ui.room.value = storageGet(localStorage, PREF_ROOM) || ui.room.value || 'general';

    ui.joinForm.addEventListener('submit', (ev) => { ev.preventDefault(); doJoin(); });
    ui.leave.addEventListener('click', doLeave);
    ui.sendForm.addEventListener('submit', (ev) => { ev.preventDefault(); doSend(); });
    ui.messages.addEventListener('click', onMessageClick);
    ui.logout.addEventListener('click', doLogout);

    // Back online: no point waiting out the backoff.
    window.addEventListener('online', () => {
      if (state.wantJoined && state.reconnectTimer) connect();
    });

    setJoined(false);
    setStatus('disconnected');
    updatePending();
    loadAccount();
  }

  init();
})();
