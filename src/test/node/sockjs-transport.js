// Drives the real sockjs-client (examples/node's copy) on one forced transport against a hub's SockJS
// bridge: registers a room feed, sends a chat, prints the ack, then waits for a chat with a given text.
// usage: node sockjs-transport.js <url> <transport> <room> <text to send> <text to wait for>
// Prints one JSON line per step; exits 0 when both steps succeeded, 1 on a close or an error frame.
'use strict';
const SockJS = require('sockjs-client');

const [url, transport, room, sendText, awaitText] = process.argv.slice(2);
const sock = new SockJS(url, null, { transports: [transport] });
const fail = (why) => {
  console.log(JSON.stringify({ failed: why }));
  process.exit(1);
};
// Never outlive the test waiting for us (it reads our output without a timeout of its own).
setTimeout(() => fail('timed out'), 50000).unref();
sock.onopen = () => {
  console.log(JSON.stringify({ open: sock.transport }));
  sock.send(JSON.stringify({ type: 'register', address: `hubbub.room.${room}` }));
  sock.send(JSON.stringify({ type: 'send', address: 'hubbub.cmd.chat', replyAddress: 'ack-1',
    body: { room, username: 'node-user', text: sendText } }));
};
sock.onmessage = (e) => {
  const frame = JSON.parse(e.data);
  if (frame.type === 'err') {
    fail(frame);
  } else if (frame.address === 'ack-1') {
    console.log(JSON.stringify({ ack: frame.body.seq }));
  } else if (frame.type === 'rec' && frame.body && frame.body.text === awaitText) {
    console.log(JSON.stringify({ received: frame.body }));
    sock.onclose = () => process.exit(0);
    sock.close();
  }
};
sock.onclose = (e) => fail(`closed ${e.code} ${e.reason}`);
