#!/usr/bin/env node
// Follows a Hubbub room feed through the SockJS event-bus bridge and prints each event as one line of JSON.
//   node feed.js --url http://127.0.0.1:8080/eventbus --room general [--count 5] [--since 10 [--epoch abc]]
// A jump in seq is taken for a gap and filled from history (re-registering after the last seq shown)
// before anything later is printed; the first delivery, {"type":"history"}, names the epoch to resume with.
'use strict';
const { options, connect, roomFeed } = require('./hubbub');

const opts = options({ url: 'http://127.0.0.1:8080/eventbus', room: 'general', count: '', since: '', epoch: '', token: '' });
const limit = opts.count ? Number(opts.count) : Infinity;
const address = roomFeed(opts.room);

connect(opts.url, opts.token).then((bus) => {
  let chats = 0;
  let lastSeq = opts.since ? Number(opts.since) : null;
  let epoch = opts.epoch || null;
  let resyncing = false;

  const register = () => {
    const headers = {};
    if (lastSeq !== null) headers.since = String(lastSeq);
    if (lastSeq !== null && epoch) headers.epoch = epoch;
    bus.registerHandler(address, headers, onMessage);
  };

  const show = (event) => {
    console.log(JSON.stringify(event));
    if (event.type === 'chat' && ++chats >= limit) {
      bus.onclose = null;
      bus.close();
    }
  };

  function onMessage(err, message) {
    if (err) {
      console.error(`error: ${err.message}`);
      process.exit(1);
    }
    const event = message.body;
    if (event.type === 'history') {
      resyncing = false;
      epoch = event.epoch || null;
      if (event.truncated) lastSeq = null; // a fresh snapshot: start counting again
      show(event);
      return;
    }
    if (resyncing) return; // replayed after the new history delivery
    const seq = event.seq;
    if (!seq) {
      show(event); // presence events carry no seq
      return;
    }
    if (lastSeq !== null && seq <= lastSeq) return; // already shown
    if (lastSeq !== null && seq > lastSeq + 1) {
      // A gap: re-register after the last seq shown; the replay fills it, then live follows.
      console.log(JSON.stringify({ gap: { after: lastSeq, next: seq } }));
      resyncing = true;
      bus.unregisterHandler(address, onMessage);
      register();
      return;
    }
    lastSeq = seq;
    show(event);
  }

  register();
  // Say we are listening so scripts can wait for it (the first delivery, "history", confirms it).
  console.log(JSON.stringify({ listening: address }));
}).catch((e) => {
  console.error(e.message);
  process.exit(1);
});
