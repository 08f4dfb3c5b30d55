// The htmx pages' small helper (no eval, no HTML from strings; text only through textContent):
// - every <time datetime> shows local time, the same way as the chat client;
// - the room page opens at the newest message, shows its stream state, says when a post fails,
//   recovers from an expired CSRF token (a hub restart) by fetching a fresh one and posting once more,
//   and lets authors edit and delete their own messages in place.
// Without JavaScript the pages still work: times stay in UTC, posts are plain forms.
'use strict';

(() => {
  const sameDay = (a, b) => a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();

  function localTimes(root) {
    for (const t of root.querySelectorAll('time[datetime]')) {
      const d = new Date(t.getAttribute('datetime'));
      if (Number.isNaN(d.getTime())) continue;
      t.title = d.toLocaleString();
      t.textContent = t.classList.contains('ago') ? ago(d)
        : sameDay(d, new Date()) ? d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
          : d.toLocaleString([], { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
    }
  }

  function ago(d) {
    const s = Math.max(0, Math.round((Date.now() - d.getTime()) / 1000));
    if (s < 5) return 'just now';
    if (s < 60) return `${s} s ago`;
    if (s < 3600) return `${Math.round(s / 60)} min ago`;
    return d.toLocaleString();
  }

  const $ = (id) => document.getElementById(id);

  // ---------- the room page ----------

  function setStream(state, label) {
    const pill = $('stream-state');
    if (!pill) return;
    pill.dataset.state = state;
    pill.textContent = label;
  }

  function setPostStatus(text) {
    const box = $('post-status');
    if (!box) return;
    box.textContent = text || '';
    box.hidden = !text;
  }

  function scrollToNewest() {
    const list = $('messages');
    if (list) list.scrollTop = list.scrollHeight;
  }

  function me() {
    const field = document.querySelector('#post-form input[name="username"]');
    return field ? field.value.trim() : '';
  }

  function csrfToken() {
    const field = document.querySelector('#post-form input[name="X-XSRF-TOKEN"]');
    return field ? field.value : '';
  }

  // After a restart the page's token no longer verifies: fetch a fresh one (GET /api/me hands one out).
  async function refreshToken() {
    const res = await fetch('/api/me', { credentials: 'same-origin', headers: { Accept: 'application/json' } });
    const body = await res.json();
    if (!body.csrfToken) throw new Error('no token');
    const form = $('post-form');
    form.querySelector('input[name="X-XSRF-TOKEN"]').value = body.csrfToken;
    form.setAttribute('hx-headers', JSON.stringify({ 'X-XSRF-TOKEN': body.csrfToken }));
    return body.csrfToken;
  }

  let retriedCsrf = false;

  async function onFormSwapped() {
    const form = $('post-form');
    if (!form) return;
    if (form.dataset.csrf === 'expired' && !retriedCsrf) {
      retriedCsrf = true;
      try {
        await refreshToken();
        setPostStatus('');
        form.requestSubmit();
        return;
      } catch (_) {
        setPostStatus('Not sent: the page could not renew its security token. Reload the page.');
      }
    } else if (form.dataset.csrf !== 'expired') {
      retriedCsrf = false;
    }
  }

  // Edit and delete over the REST API, as the one who posts from this page; the change arrives over
  // the stream like everyone else's and replaces the line in place.
  async function change(method, li, text) {
    const body = { username: me() };
    if (text !== undefined) body.text = text;
    const room = document.body.dataset.room;
    const res = await fetch(`/api/rooms/${encodeURIComponent(room)}/messages/${encodeURIComponent(li.dataset.id)}`, {
      method, credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-XSRF-TOKEN': csrfToken() },
      body: JSON.stringify(body),
    });
    if (!res.ok) {
      const answer = await res.json().catch(() => ({}));
      throw new Error(answer.error || `HTTP ${res.status}`);
    }
  }

  function button(label, className) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = className;
    b.textContent = label;
    return b;
  }

  function addActions(root) {
    const name = me();
    if (!name) return;
    for (const li of root.querySelectorAll('#messages li.msg')) {
      if (li.dataset.author !== name || li.querySelector('.gone') || li.querySelector('.actions')) continue;
      const box = document.createElement('span');
      box.className = 'actions';
      box.append(button('edit', 'edit'), button('delete', 'delete'));
      li.appendChild(box);
    }
  }

  function startEdit(li) {
    const text = li.querySelector('.text');
    if (!text || li.querySelector('.editor')) return;
    const form = document.createElement('form');
    form.className = 'editor';
    const input = document.createElement('input');
    input.name = 'text';
    input.value = text.textContent;
    input.setAttribute('aria-label', 'Edit message');
    form.append(input, button('save', 'save'), button('cancel', 'cancel'));
    form.querySelector('.save').type = 'submit';
    li.appendChild(form);
    input.focus();
    form.querySelector('.cancel').addEventListener('click', () => form.remove());
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const next = input.value.trim();
      if (!next || next === text.textContent) { form.remove(); return; }
      try {
        await change('PATCH', li, next);
        form.remove();
      } catch (err) {
        setPostStatus(`Not edited: ${err.message}`);
      }
    });
  }

  function startDelete(li) {
    const actions = li.querySelector('.actions');
    if (!actions || actions.querySelector('.confirm')) return;
    const yes = button('delete', 'confirm');
    const no = button('keep', 'keep');
    const q = document.createElement('span');
    q.textContent = 'Delete? ';
    actions.replaceChildren(q, yes, no);
    no.addEventListener('click', () => { actions.remove(); addActions(document); });
    yes.addEventListener('click', async () => {
      try {
        await change('DELETE', li);
      } catch (err) {
        setPostStatus(`Not deleted: ${err.message}`);
      }
    });
  }

  function initRoom() {
    scrollToNewest();
    addActions(document);
    const list = $('messages');
    list.addEventListener('click', (ev) => {
      const b = ev.target instanceof Element ? ev.target.closest('button') : null;
      const li = b && b.closest('li.msg');
      if (!li) return;
      if (b.classList.contains('edit')) startEdit(li);
      else if (b.classList.contains('delete')) startDelete(li);
    });
    document.body.addEventListener('htmx:sseOpen', () => setStream('connected', 'live'));
    document.body.addEventListener('htmx:sseError', (ev) => {
      const source = ev.detail && ev.detail.source;
      const closed = source && source.readyState === 2;
      setStream(closed ? 'down' : 'reconnecting', closed ? 'hub unreachable: retrying' : 'reconnecting…');
    });
    document.body.addEventListener('htmx:sendError', () => {
      setPostStatus('Not sent: the hub is unreachable. Your text is kept; press Send again once the page is live.');
    });
    document.body.addEventListener('htmx:responseError', (ev) => {
      const status = ev.detail && ev.detail.xhr ? ev.detail.xhr.status : 0;
      setPostStatus(`Not sent: the hub answered ${status}. Your text is kept; try again.`);
    });
    document.body.addEventListener('htmx:afterRequest', (ev) => {
      if (ev.detail && ev.detail.successful) setPostStatus('');
    });
    document.body.addEventListener('htmx:afterSwap', (ev) => {
      const target = ev.detail && ev.detail.target;
      localTimes(document);
      addActions(document);
      if (target && target.id === 'post-form') onFormSwapped();
      else if (target && target.id === 'post-form-slot') onFormSwapped();
    });
    document.body.addEventListener('htmx:oobAfterSwap', () => { localTimes(document); addActions(document); });
  }

  function init() {
    localTimes(document);
    // Live fragments (messages, the dashboard's figures) arrive with server times: show them local too.
    document.body.addEventListener('htmx:afterSettle', () => localTimes(document));
    document.body.addEventListener('htmx:sseMessage', () => localTimes(document));
    if (document.body.dataset.page === 'room') initRoom();
    // Times in words ("updated 2 s ago") keep counting.
    if (document.querySelector('time.ago')) setInterval(() => localTimes(document), 1000);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
