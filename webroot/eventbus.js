// A minimal room client over the SockJS event-bus bridge: register a room feed, send chat commands.
// It shows the bridge from a browser; the full chat client (index.html) uses the WebSocket protocol.
// Like that client it watches the room's seq (js/rooms.js): a jump means events were missed, so the
// later ones are held while the gap is filled from history over REST (js/history.js), then shown in order.
import { Rooms } from './js/rooms.js';
import * as history from './js/history.js';

(function () {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const CHAT = 'hubbub.cmd.chat';
  const rooms = new Rooms();
  let bus = null;
  let feed = null;
  let room = null;
  // The registration's first delivery is {type: 'history', count}: that many replayed events follow, in
  // order, before live ones; gaps are only looked for once they are in.
  let replaying = 0;
  let replayEpoch;

  function line(text, cls) {
    const li = document.createElement('li');
    li.className = cls;
    li.textContent = text; // user text is never parsed as HTML
    $('messages').appendChild(li);
    li.scrollIntoView({ block: 'end' });
  }

  // Find a line by message id without building a selector from untrusted data.
  function findLine(id) {
    for (const li of $('messages').querySelectorAll('li.msg')) if (li.dataset.id === String(id)) return li;
    return null;
  }

  function showDeleted(li) {
    li.classList.add('is-deleted');
    li.querySelector('.msg-text').textContent = 'message deleted';
  }

  function onEvent(err, message) {
    if (err) return line(`error: ${err.message}`, 'system error');
    const e = message.body;
    if (e.type === 'history') {
      rooms.welcome(room, e);
      replaying = Number(e.count) || 0;
      replayEpoch = e.epoch;
      if (replaying === 0) rooms.history(room, { epoch: e.epoch });
    } else if (e.seq !== undefined && e.seq !== null) {
      if (replaying > 0) {
        apply(e);
        replaying -= 1;
        if (replaying === 0) rooms.history(room, { epoch: replayEpoch });
      } else {
        onLive(e);
      }
    } else if (e.type === 'joined' || e.type === 'left') {
      line(`${e.username} ${e.type}`, 'system presence');
    }
  }

  // A live persisted event goes through the seq check: 'apply' now, or held behind a gap being filled.
  function onLive(e) {
    const verdict = rooms.offer(room, e);
    if (verdict === 'apply') apply(e);
    else if (verdict === 'gap') fillGap(room);
  }

  async function fillGap(gapRoom) {
    const { after, before } = rooms.gapBounds(gapRoom);
    let list = [];
    try {
      list = await history.between(gapRoom, after, before);
    } catch (err) {
      line(`some messages could not be loaded (${err.message})`, 'system error');
    }
    if (gapRoom !== room) return;
    for (const m of list) apply(Object.assign({ type: 'chat' }, m));
    for (const held of rooms.endGap(gapRoom)) onLive(held);
  }

  /** A persisted event (chat, edited, deleted) in seq order. */
  function apply(e) {
    rooms.remember(room, e);
    if (e.type === 'chat') {
      if (findLine(e.id)) return;
      const li = document.createElement('li');
      li.className = 'msg';
      li.dataset.seq = e.seq;
      li.dataset.id = e.id;
      const who = document.createElement('span');
      who.className = 'msg-author';
      who.textContent = e.username;
      const text = document.createElement('span');
      text.className = 'msg-text';
      text.textContent = e.text;
      li.append(who, ': ', text);
      // Replayed chats come in their current state.
      if (e.deleted) showDeleted(li);
      else if (e.edited) li.classList.add('is-edited');
      $('messages').appendChild(li);
      li.scrollIntoView({ block: 'end' });
    } else if (e.type === 'edited') {
      const li = findLine(e.id);
      if (li && !li.classList.contains('is-deleted')) {
        li.querySelector('.msg-text').textContent = e.text;
        li.classList.add('is-edited');
      }
    } else if (e.type === 'deleted') {
      const li = findLine(e.id);
      if (li) showDeleted(li);
    }
  }

  function listen(name) {
    if (feed) bus.unregisterHandler(feed, onEvent);
    room = name;
    rooms.reset(room);
    replaying = 0;
    feed = `hubbub.room.${room}`;
    $('messages').replaceChildren();
    bus.registerHandler(feed, { since: '0' }, onEvent);
    $('text').disabled = false;
    $('text').placeholder = `Message #${room} as ${$('username').value.trim() || 'a guest'}`;
    $('send').disabled = false;
    document.body.dataset.state = 'listening';
  }

  $('join-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const room = $('room').value.trim();
    if (bus && bus.state === EventBus.OPEN) return listen(room);
    bus = new EventBus('/eventbus');
    bus.enableReconnect(true);
    bus.onopen = () => { $('status').textContent = 'connected'; listen($('room').value.trim()); };
    bus.onclose = () => { $('status').textContent = 'disconnected'; document.body.dataset.state = 'disconnected'; };
    bus.onerror = (err) => line(`error: ${err.message || err.body}`, 'system error');
  });

  $('send-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const text = $('text').value;
    if (!text.trim()) return;
    const body = { room: $('room').value.trim(), username: $('username').value.trim(), text };
    bus.send(CHAT, body, (err) => { if (err) line(`error: ${err.message}`, 'system error'); });
    $('text').value = '';
  });
}());
