#!/usr/bin/env node
// Follows a Hubbub room feed through the SockJS event-bus bridge and prints each event as one line of JSON.
//   node feed.js --url http://127.0.0.1:8080/eventbus --room general [--count 5] [--since 10]
'use strict';
const { options, connect, roomFeed } = require('./hubbub');

const opts = options({ url: 'http://127.0.0.1:8080/eventbus', room: 'general', count: '', since: '', token: '' });
const limit = opts.count ? Number(opts.count) : Infinity;

connect(opts.url, opts.token).then((bus) => {
  let chats = 0;
  const headers = opts.since ? { since: String(opts.since) } : {};
  bus.registerHandler(roomFeed(opts.room), headers, (err, message) => {
    if (err) {
      console.error(`error: ${err.message}`);
      process.exit(1);
    }
    console.log(JSON.stringify(message.body));
    if (message.body.type === 'chat' && ++chats >= limit) {
      bus.onclose = null;
      bus.close();
    }
  });
  // The bridge sends no confirmation of a registration; say we are listening so scripts can wait for it.
  console.log(JSON.stringify({ listening: roomFeed(opts.room) }));
}).catch((e) => {
  console.error(e.message);
  process.exit(1);
});
