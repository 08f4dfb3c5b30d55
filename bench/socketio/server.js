// The Socket.IO 4 peer of the benchmark: the same room chat as Hubbub's WebSocket protocol, in memory.
//   join {room, username} -> "welcome" {room, username, users} to the joiner, "roster" {room, users} to the room
//   chat {text}           -> "chat" {room, username, text, ts} to the whole room (sender included, as in Hubbub)
// GET /health answers 200; GET /gc runs a full GC (node --expose-gc) and answers {heapUsed, rss} in bytes.
'use strict';
const http = require('http');
const { Server } = require('socket.io');

const port = Number(process.argv[2] || 3000);
const rosters = new Map(); // room -> usernames in join order

const server = http.createServer((req, res) => {
  if (req.url === '/health') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"status":"up"}');
  } else if (req.url === '/gc') {
    if (global.gc) global.gc();
    const m = process.memoryUsage();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ heapUsed: m.heapUsed, rss: m.rss, gc: Boolean(global.gc) }));
  } else {
    res.writeHead(404);
    res.end();
  }
});

const io = new Server(server, { transports: ['websocket'], serveClient: false });

function leave(socket) {
  const { room, username } = socket.data;
  if (!room) return;
  socket.leave(room);
  const users = rosters.get(room) || [];
  const i = users.indexOf(username);
  if (i >= 0) users.splice(i, 1);
  if (users.length === 0) rosters.delete(room);
  socket.data.room = undefined;
  io.to(room).emit('roster', { room, users });
}

io.on('connection', (socket) => {
  socket.on('join', (msg) => {
    if (!msg || typeof msg.room !== 'string' || typeof msg.username !== 'string') return;
    leave(socket);
    const users = rosters.get(msg.room) || [];
    if (users.includes(msg.username)) {
      socket.emit('error', { message: 'username taken' });
      return;
    }
    users.push(msg.username);
    rosters.set(msg.room, users);
    socket.data.room = msg.room;
    socket.data.username = msg.username;
    socket.join(msg.room);
    socket.emit('welcome', { room: msg.room, username: msg.username, users });
    io.to(msg.room).emit('roster', { room: msg.room, users });
  });
  socket.on('chat', (msg) => {
    const { room, username } = socket.data;
    if (!room || !msg || typeof msg.text !== 'string') return;
    io.to(room).emit('chat', { room, username, text: msg.text, ts: Date.now() });
  });
  socket.on('disconnect', () => leave(socket));
});

server.listen(port, '127.0.0.1', () => console.log(`socket.io peer listening on ${port}`));
