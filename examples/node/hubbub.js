// Shared helpers for the examples: option parsing and a connected EventBus over SockJS.
'use strict';
const EventBus = require('@vertx/eventbus-bridge-client.js');

/** Parses `--name value` pairs with defaults; unknown names are an error. */
function options(defaults) {
  const opts = { ...defaults };
  const args = process.argv.slice(2);
  for (let i = 0; i < args.length; i += 2) {
    const name = args[i].replace(/^--/, '');
    if (!(name in defaults) || args[i + 1] === undefined) {
      console.error(`usage: ${Object.keys(defaults).map((k) => `--${k} <value>`).join(' ')}`);
      process.exit(2);
    }
    opts[name] = args[i + 1];
  }
  return opts;
}

/** Resolves with an open EventBus; the token, when given, travels in every frame's headers. */
function connect(url, token) {
  return new Promise((resolve, reject) => {
    const bus = new EventBus(url);
    if (token) bus.defaultHeaders = { authorization: `Bearer ${token}` };
    bus.onopen = () => resolve(bus);
    bus.onerror = (err) => console.error('bridge error:', err.message || err.body || JSON.stringify(err));
    bus.onclose = (e) => reject(new Error(`connection closed${e && e.reason ? `: ${e.reason}` : ''}`));
  });
}

module.exports = { options, connect, CHAT: 'hubbub.cmd.chat', roomFeed: (room) => `hubbub.room.${room}` };
