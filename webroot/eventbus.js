// A minimal room client over the SockJS event-bus bridge: register a room feed, send chat commands.
// It shows the bridge from a browser; the full chat client (index.html) uses the WebSocket protocol.
(function () {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const CHAT = 'hubbub.cmd.chat';
  let bus = null;
  let feed = null;

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
    } else if (e.type === 'joined' || e.type === 'left') {
      line(`${e.username} ${e.type}`, 'system presence');
    }
  }

  function listen(room) {
    if (feed) bus.unregisterHandler(feed, onEvent);
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
