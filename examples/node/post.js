#!/usr/bin/env node
// Posts one message to a Hubbub room through the SockJS event-bus bridge and prints the acknowledgement.
//   node post.js --url http://127.0.0.1:8080/eventbus --room general --username node --text "hello from Node"
'use strict';
const crypto = require('crypto');
const { options, connect, CHAT } = require('./hubbub');

const opts = options({ url: 'http://127.0.0.1:8080/eventbus', room: 'general', username: 'node', text: '', token: '' });

connect(opts.url, opts.token).then((bus) => {
  // The cid makes a retry safe: the hub stores a repeated cid only once.
  const body = { room: opts.room, username: opts.username, text: opts.text, cid: crypto.randomUUID() };
  bus.send(CHAT, body, (err, reply) => {
    if (err) {
      console.error(`refused: ${err.message} (${err.failureCode})`);
      process.exitCode = 1;
    } else {
      console.log(JSON.stringify({ posted: opts.text, seq: reply.body.seq, id: reply.body.id }));
    }
    bus.onclose = null;
    bus.close();
  });
}).catch((e) => {
  console.error(e.message);
  process.exit(1);
});
