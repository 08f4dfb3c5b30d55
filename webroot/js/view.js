// The message list: building lines, keeping them in seq order, day separators, grouping, links.
// Security rule: untrusted text only ever goes through textContent (links are <a> with text nodes).

const GROUP_WINDOW_MS = 5 * 60 * 1000;
const URL_PATTERN = /\bhttps?:\/\/[^\s<>"']+/g;
const TRAILING_PUNCTUATION = /[.,;:!?)\]}'"]+$/;

export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function validDate(ts) {
  if (ts === undefined || ts === null || ts === '') return null;
  const d = new Date(Number(ts));
  return Number.isNaN(d.getTime()) ? null : d;
}

function sameDay(a, b) {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}

/** Local time; a message from another day also shows its date (the same rule as the htmx page). */
export function timeElement(ts) {
  const time = el('time', 'msg-time');
  const d = validDate(ts);
  if (!d) return time;
  time.dateTime = d.toISOString();
  time.title = d.toLocaleString();
  time.textContent = sameDay(d, new Date())
    ? d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
    : d.toLocaleString([], { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
  return time;
}

export function dayLabel(d) {
  const today = new Date();
  const yesterday = new Date(today.getFullYear(), today.getMonth(), today.getDate() - 1);
  if (sameDay(d, today)) return 'Today';
  if (sameDay(d, yesterday)) return 'Yesterday';
  return d.toLocaleDateString([], { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' });
}

/** Fills node with text where http(s) URLs become links: text nodes only, never parsed as HTML. */
export function setLinkedText(node, text) {
  node.replaceChildren();
  const value = String(text ?? '');
  let last = 0;
  for (const match of value.matchAll(URL_PATTERN)) {
    let url = match[0];
    const trailing = url.match(TRAILING_PUNCTUATION);
    if (trailing) url = url.slice(0, -trailing[0].length);
    let parsed = null;
    try { parsed = new URL(url); } catch (_) { /* not a URL after all */ }
    if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) continue;
    if (match.index > last) node.appendChild(document.createTextNode(value.slice(last, match.index)));
    const a = el('a', 'msg-link', url);
    a.href = parsed.href;
    a.target = '_blank';
    a.rel = 'noopener noreferrer nofollow';
    node.appendChild(a);
    last = match.index + url.length;
  }
  if (last < value.length) node.appendChild(document.createTextNode(value.slice(last)));
}

function actionButton(className, label, title) {
  const button = el('button', className, label);
  button.type = 'button';
  if (title) button.title = title;
  return button;
}

export function buildActions() {
  const box = el('span', 'msg-actions');
  box.append(actionButton('msg-edit', 'edit', 'Edit message'), actionButton('msg-delete', 'delete', 'Delete message'));
  return box;
}

/**
 * A chat line. msg: {id, seq, username, text, ts, guest, edited, deleted}; mine adds edit/delete.
 * status (own messages): pending | sent | failed, shown by CSS from data-status.
 */
export function buildChat(msg, mine, status) {
  const li = el('li', 'msg');
  if (msg.id !== undefined && msg.id !== null) li.dataset.id = String(msg.id);
  if (msg.seq !== undefined && msg.seq !== null) li.dataset.seq = String(msg.seq);
  if (msg.cid) li.dataset.cid = String(msg.cid);
  li.dataset.author = String(msg.username ?? '');
  if (msg.ts !== undefined && msg.ts !== null) li.dataset.ts = String(msg.ts);
  if (mine) li.classList.add('msg-mine');
  if (status) li.dataset.status = status;

  const meta = el('div', 'msg-meta');
  meta.appendChild(el('span', 'msg-author', msg.username ?? '?'));
  if (msg.guest) meta.appendChild(el('span', 'msg-guest', 'guest'));
  meta.appendChild(timeElement(msg.ts));
  meta.appendChild(el('span', 'msg-status', statusLabel(status)));
  if (mine && msg.id !== undefined && msg.id !== null) meta.appendChild(buildActions());

  const text = el('span', 'msg-text');
  setLinkedText(text, msg.text ?? '');
  li.append(meta, text);
  if (msg.deleted) markDeleted(li);
  else if (msg.edited) markEdited(li);
  return li;
}

export function statusLabel(status) {
  if (status === 'pending') return 'sending…';
  if (status === 'failed') return 'not sent';
  return '';
}

export function setStatus(li, status, reason) {
  li.dataset.status = status;
  const label = li.querySelector('.msg-status');
  if (label) label.textContent = reason ? `${statusLabel(status)}: ${reason}` : statusLabel(status);
}

export function markEdited(li) {
  li.classList.add('is-edited');
  if (li.querySelector('.msg-edited')) return;
  li.querySelector('.msg-time').after(el('span', 'msg-edited', '(edited)'));
}

export function markDeleted(li) {
  li.classList.remove('is-edited');
  li.classList.add('is-deleted');
  li.querySelector('.msg-edited')?.remove();
  li.querySelector('.msg-text').textContent = 'message deleted';
  li.querySelector('.msg-actions')?.remove();
  li.querySelector('.msg-editor')?.remove();
}

/** Outbox lines (pending or failed) always sit after every confirmed line. */
export function isOutbox(node) {
  return node.classList.contains('msg') && !node.dataset.seq;
}

/** Inserts a confirmed line at its seq place: usually the end, before any outbox lines. */
export function insertBySeq(list, li) {
  const seq = Number(li.dataset.seq);
  let before = null;
  for (let n = list.lastElementChild; n; n = n.previousElementSibling) {
    if (!n.classList.contains('msg')) continue;
    if (isOutbox(n) || Number(n.dataset.seq) > seq) { before = n; continue; }
    break;
  }
  // Older than everything shown: after the top sentinel, not above it.
  if (before && before === firstMessage(list)) before = leadingNonMessage(list, before);
  list.insertBefore(li, before);
}

function firstMessage(list) {
  for (let n = list.firstElementChild; n; n = n.nextElementSibling) if (n.classList.contains('msg')) return n;
  return null;
}

// The first node of the run directly above `first` made of day separators, so a line older than all
// goes above their separator (relayout puts separators right again).
function leadingNonMessage(list, first) {
  let n = first;
  while (n.previousElementSibling && n.previousElementSibling.classList.contains('day')) n = n.previousElementSibling;
  return n;
}

/** Day separators before the first line of each day, and grouping of one author's consecutive lines. */
export function relayout(list) {
  for (const day of list.querySelectorAll(':scope > li.day')) day.remove();
  let prev = null;
  let prevDay = '';
  for (const li of Array.from(list.querySelectorAll(':scope > li.msg'))) {
    const d = validDate(li.dataset.ts);
    const key = d ? `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}` : prevDay;
    if (d && key !== prevDay) {
      const sep = el('li', 'day');
      sep.setAttribute('role', 'separator');
      sep.appendChild(el('span', 'day-label', dayLabel(d)));
      li.before(sep);
      prev = null;
    }
    prevDay = key;
    const grouped = prev !== null && li.previousElementSibling === prev
      && prev.dataset.author === li.dataset.author
      && Math.abs(Number(li.dataset.ts) - Number(prev.dataset.ts)) < GROUP_WINDOW_MS;
    li.classList.toggle('msg-cont', grouped);
    prev = li;
  }
}

/** Inline editor replacing the text of a line; resolves with the new text, or null when cancelled. */
export function openEditor(li, maxChars) {
  return new Promise((resolve) => {
    if (li.querySelector('.msg-editor')) return resolve(null);
    const textNode = li.querySelector('.msg-text');
    const current = textNode.textContent;
    const form = el('form', 'msg-editor');
    const area = el('textarea', 'msg-editor-text');
    area.value = current;
    area.rows = Math.min(6, current.split('\n').length + 1);
    area.setAttribute('aria-label', 'Edit message');
    const save = el('button', 'msg-editor-save', 'Save');
    save.type = 'submit';
    const cancel = actionButton('msg-editor-cancel secondary', 'Cancel');
    const hint = el('span', 'msg-editor-hint', 'Enter to save · Esc to cancel');
    form.append(area, save, cancel, hint);
    textNode.hidden = true;
    textNode.after(form);
    area.focus();
    area.setSelectionRange(area.value.length, area.value.length);

    const done = (value) => {
      form.remove();
      textNode.hidden = false;
      resolve(value);
    };
    const submit = () => {
      const next = area.value.trim();
      if (next.length > maxChars) {
        hint.textContent = `too long: ${next.length}/${maxChars} characters`;
        hint.classList.add('over');
        return;
      }
      done(next && next !== current ? next : null);
    };
    form.addEventListener('submit', (ev) => { ev.preventDefault(); submit(); });
    cancel.addEventListener('click', () => done(null));
    area.addEventListener('keydown', (ev) => {
      if (ev.key === 'Escape') { ev.preventDefault(); done(null); }
      else if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) { ev.preventDefault(); submit(); }
    });
  });
}

/** Inline "Delete? yes / no" in place of the actions; resolves true when confirmed. */
export function confirmDelete(li) {
  return new Promise((resolve) => {
    const actions = li.querySelector('.msg-actions');
    if (!actions || actions.querySelector('.msg-confirm')) return resolve(false);
    const box = el('span', 'msg-confirm');
    const yes = actionButton('msg-confirm-yes', 'delete', 'Delete this message');
    const no = actionButton('msg-confirm-no', 'keep');
    box.append(el('span', 'msg-confirm-q', 'Delete?'), yes, no);
    for (const b of actions.querySelectorAll('.msg-edit, .msg-delete')) b.hidden = true;
    actions.appendChild(box);
    no.focus();
    const done = (answer) => {
      box.remove();
      for (const b of actions.querySelectorAll('.msg-edit, .msg-delete')) b.hidden = false;
      resolve(answer);
    };
    yes.addEventListener('click', () => done(true));
    no.addEventListener('click', () => done(false));
  });
}
