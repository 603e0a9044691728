#!/usr/bin/env node
// Reference Socket.IO room / signalling server for roompeer.
//
// Protocol (same event names and payloads as the tutorial "seed" server):
//   C->S joinRTCRoom(room, user)            S->room usersInRoom(members)   (whole room, newcomer included;
//                                                                           members = everyone but the joiner)
//   C->S offer     {sdp, callTo}            S->callTo      getOffer     {sdp, callFrom}
//   C->S answer    {sdp, answerTo}          S->answerTo    getAnswer    {sdp, answerFrom}
//   C->S candidate {candidate, candidateTo} S->candidateTo getCandidate {candidate, candidateFrom}
// Additions (disabled by --seed-mode):
//   on disconnect, and C->S leaveRTCRoom([room]):  S->room user_exit {id}
// With --redis URL several processes share the rooms (Socket.IO redis adapter for the events,
// member lists in Redis, see rooms-redis.js); a dead node's members get user_exit too.
//
// See README.md for the CLI.
'use strict';

const fs = require('fs');
const http = require('http');
const https = require('https');
const path = require('path');

let Server;
try {
  ({ Server } = require('socket.io'));
} catch (e) {
  console.error('room-server: the "socket.io" package is missing; run scripts/setup ' +
    '(or "npm ci" in scripts/room-server) first.');
  process.exit(2);
}

const USAGE = `usage: room-server [--port N] [--host ADDR] [--cert FILE --key FILE] [--redis URL] [--seed-mode] [--quiet] [--cross-wire NAME]
  --port N      TCP port (default 3000; 0 = pick a free port)
  --host ADDR   address to bind (default 127.0.0.1)
  --cert FILE   PEM certificate (chain): serve https:// and wss:// instead of http://
  --key FILE    PEM private key of --cert
  --redis URL   share rooms with every room-server using this Redis
                (redis://[user:pass@]host:port[/db]); default: none, one process
  --seed-mode   behave exactly like the tutorial server: on disconnect nothing
                is removed and nothing is emitted; no leaveRTCRoom (not with --redis)
  --quiet       do not log events to stderr (warnings are still printed)
  --cross-wire NAME  a broken server, for tests: once two other members are in,
                the member that joins with name NAME gets each one's call under
                the other's id (its calls are cross-wired)
  -h, --help    show this help`;

function parseArgs(argv) {
  const opts = { port: 3000, host: '127.0.0.1', redis: null, seedMode: false, quiet: false, cert: null, key: null, crossWire: null };
  const fail = (msg) => {
    console.error(`room-server: ${msg}\n${USAGE}`);
    process.exit(2);
  };
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i];
    let value;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq > 0) {
      value = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    const takeValue = () => {
      if (value !== undefined) return value;
      if (i + 1 >= argv.length) fail(`${arg} needs a value`);
      return argv[++i];
    };
    switch (arg) {
      case '--port': {
        const v = takeValue();
        if (!/^\d+$/.test(v) || Number(v) > 65535) fail(`invalid port "${v}"`);
        opts.port = Number(v);
        break;
      }
      case '--host':
        opts.host = takeValue();
        if (!opts.host) fail('empty --host');
        break;
      case '--cert': opts.cert = takeValue(); break;
      case '--key': opts.key = takeValue(); break;
      case '--redis': {
        const v = takeValue();
        if (!/^rediss?:\/\/[^/\s]/.test(v)) fail(`--redis: "${v}" must look like redis://host:port`);
        opts.redis = v;
        break;
      }
      case '--seed-mode': opts.seedMode = true; break;
      case '--quiet': opts.quiet = true; break;
      case '--cross-wire':
        opts.crossWire = takeValue();
        if (!opts.crossWire) fail('empty --cross-wire');
        break;
      case '-h':
      case '--help':
        console.log(USAGE);
        process.exit(0);
        break;
      default:
        fail(`unknown argument "${argv[i]}"`);
    }
  }
  if (!opts.cert !== !opts.key) fail('--cert and --key go together');
  // The seed's stale members would outlive every node; only default mode cleans up.
  if (opts.redis && opts.seedMode) fail('--seed-mode is one process; it does not combine with --redis');
  return opts;
}

const opts = parseArgs(process.argv.slice(2));
const log = opts.quiet ? () => {} : (...a) => console.error('room-server:', ...a);
const warn = (...a) => console.warn('room-server: WARNING:', ...a);

// ---- static page ----------------------------------------------------------
const PUBLIC_DIR = path.join(__dirname, 'public');
const STATIC = {
  '/': ['index.html', 'text/html; charset=utf-8'],
  '/index.html': ['index.html', 'text/html; charset=utf-8'],
  '/client.js': ['client.js', 'text/javascript; charset=utf-8'],
};

function handleHttp(req, res) {
  const url = new URL(req.url, 'http://localhost');
  const entry = STATIC[url.pathname];
  if (!entry || (req.method !== 'GET' && req.method !== 'HEAD')) {
    res.writeHead(entry ? 405 : 404, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(entry ? 'method not allowed\n' : 'not found\n');
    return;
  }
  fs.readFile(path.join(PUBLIC_DIR, entry[0]), (err, body) => {
    if (err) {
      res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('cannot read page\n');
      return;
    }
    res.writeHead(200, { 'Content-Type': entry[1], 'Content-Length': body.length, 'Cache-Control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
}

function tlsOptions() {
  try {
    return { cert: fs.readFileSync(opts.cert), key: fs.readFileSync(opts.key) };
  } catch (e) {
    console.error(`room-server: cannot read --cert/--key: ${e.message}`);
    process.exit(2);
  }
}

const scheme = opts.cert ? 'https' : 'http';
let httpServer;
try {
  httpServer = opts.cert ? https.createServer(tlsOptions(), handleHttp) : http.createServer(handleHttp);
} catch (e) {
  console.error(`room-server: unusable --cert/--key: ${e.message}`);
  process.exit(2);
}
// A client that gives up on our certificate is not a server problem: log it, keep serving.
httpServer.on('tlsClientError', (err) => log(`TLS handshake failed: ${err.message}`));
const io = new Server(httpServer, { cors: { origin: true } }); // maxHttpBufferSize: default (1e6)

// ---- rooms ----------------------------------------------------------------
const { MemoryRooms } = require('./rooms-memory');
const rooms = opts.redis
  ? new (require('./rooms-redis').RedisRooms)({
    url: opts.redis,
    log,
    warn,
    onExit: (room, id) => {
      io.to(room).emit('user_exit', { id });
      log(`user_exit room=${JSON.stringify(room)} id=${id} (its node is dead)`);
    },
    // Our clients are no longer in anyone's list: make them reconnect and join again.
    onDeclaredDead: () => io.local.disconnectSockets(true),
  })
  : new MemoryRooms({ seedMode: opts.seedMode });

const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNonEmptyString = (v) => typeof v === 'string' && v.length > 0;

async function removeFromRoom(socket, room) {
  if (!(await rooms.leave(room, socket.id))) return false;
  io.to(room).emit('user_exit', { id: socket.id });
  log(`user_exit room=${JSON.stringify(room)} id=${socket.id}`);
  return true;
}

// --cross-wire NAME (a broken server, for tests): the member named NAME (the victim) and the
// first two other members to join. Between the victim and those two, every message goes to the
// other one of the two, and what they send the victim carries the other one's id.
const crossWire = { victim: null, others: [] };
function noteForCrossWire(socket, user) {
  if (!opts.crossWire) return;
  if (user.name === opts.crossWire) crossWire.victim = socket.id;
  else if (crossWire.others.length < 2 && !crossWire.others.includes(socket.id)) crossWire.others.push(socket.id);
}
function crossWired(from, to) {
  const [a, b] = crossWire.others;
  const swap = (id) => (id === a ? b : id === b ? a : id);
  if (!crossWire.victim || b === undefined) return { from, to };
  if (from === crossWire.victim) return { from, to: swap(to) };
  if (to === crossWire.victim) return { from: swap(from), to };
  return { from, to };
}

// Relays one of offer/answer/candidate: `data[toField]` names the target socket
// (or room, as in the seed); the payload field is forwarded unchanged.
function relay(socket, inEvent, data, toField, payloadField, outEvent, fromField) {
  if (!isObject(data)) return warn(`${inEvent} from ${socket.id}: payload is not an object, ignored`);
  if (!isNonEmptyString(data[toField])) return warn(`${inEvent} from ${socket.id}: missing/invalid "${toField}", ignored`);
  if (data[payloadField] === undefined) return warn(`${inEvent} from ${socket.id}: missing "${payloadField}", ignored`);
  const { from, to } = crossWired(socket.id, data[toField]);
  socket.to(to).emit(outEvent, { [payloadField]: data[payloadField], [fromField]: from });
  log(`${inEvent} ${socket.id} -> ${to}${to !== data[toField] ? ` (cross-wired: asked for ${data[toField]}, labelled ${from})` : ''}`);
}

// Membership changes of one socket run one after another, in the order they arrived, even
// when the member lists are in Redis; shutdown waits for the last of them.
const pending = new Set();
function serialize(socket, what, fn) {
  const run = (socket.data.queue ?? Promise.resolve()).then(fn).catch((err) => {
    warn(`${what} from ${socket.id} failed: ${err.message}`);
  });
  socket.data.queue = run;
  pending.add(run);
  run.finally(() => pending.delete(run));
}

io.on('connection', (socket) => {
  log(`connect id=${socket.id} addr=${socket.handshake.address}`);

  socket.on('joinRTCRoom', (room, user) => {
    if (!isNonEmptyString(room)) return warn(`joinRTCRoom from ${socket.id}: room is not a non-empty string, ignored`);
    if (!isObject(user)) return warn(`joinRTCRoom from ${socket.id}: user info is not an object, ignored`);
    socket.join(room);
    noteForCrossWire(socket, user);
    serialize(socket, 'joinRTCRoom', async () => {
      const list = await rooms.join(room, socket.id, { ...user, id: socket.id });
      if (!socket.connected) return; // gone while we waited; its disconnect removes the entry
      const members = list.filter((u) => u.id !== socket.id);
      io.to(room).emit('usersInRoom', members);
      log(`joinRTCRoom room=${JSON.stringify(room)} id=${socket.id} user=${JSON.stringify(user)} members=${members.length}`);
    });
  });

  socket.on('offer', (data) => relay(socket, 'offer', data, 'callTo', 'sdp', 'getOffer', 'callFrom'));
  socket.on('answer', (data) => relay(socket, 'answer', data, 'answerTo', 'sdp', 'getAnswer', 'answerFrom'));
  socket.on('candidate', (data) => relay(socket, 'candidate', data, 'candidateTo', 'candidate', 'getCandidate', 'candidateFrom'));

  if (!opts.seedMode) {
    // leaveRTCRoom(room) leaves one room; leaveRTCRoom() leaves all of them.
    socket.on('leaveRTCRoom', (room) => {
      if (room !== undefined && room !== null && !isNonEmptyString(room)) {
        return warn(`leaveRTCRoom from ${socket.id}: room is not a string, ignored`);
      }
      serialize(socket, 'leaveRTCRoom', async () => {
        const mine = await rooms.roomsOf(socket.id);
        const left = isNonEmptyString(room) ? mine.filter((r) => r === room) : mine;
        if (left.length === 0) return log(`leaveRTCRoom room=${JSON.stringify(room)} id=${socket.id}: not a member`);
        for (const r of left) {
          if (r !== socket.id) socket.leave(r); // never leave the private room used for relaying
          await removeFromRoom(socket, r);
        }
      });
    });
  }

  socket.on('disconnect', (reason) => {
    log(`disconnect id=${socket.id} reason=${reason}`);
    if (opts.seedMode) return; // the seed keeps stale members and tells nobody
    serialize(socket, 'disconnect', async () => {
      for (const room of await rooms.roomsOf(socket.id)) await removeFromRoom(socket, room);
    });
  });
});

// ---- start / stop -----------------------------------------------------------
httpServer.on('error', (err) => {
  console.error(`room-server: cannot listen on ${opts.host}:${opts.port}: ${err.message}`);
  process.exit(1);
});

async function main() {
  if (opts.redis) {
    const { createAdapter } = require('@socket.io/redis-adapter');
    try {
      const { pub, sub } = await rooms.start();
      io.adapter(createAdapter(pub, sub));
    } catch (err) {
      console.error(`room-server: cannot reach Redis at ${opts.redis}: ${err.message}`);
      process.exit(1);
    }
  }
  httpServer.listen(opts.port, opts.host, () => {
    const { port } = httpServer.address();
    const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
    process.stdout.write(`room-server listening on ${scheme}://${host}:${port}\n`);
    log(`mode=${opts.seedMode ? 'seed' : 'default'}${opts.redis ? ` redis=${opts.redis}` : ''}`);
  });
}
main();

let stopping = false;
async function shutdown(signal) {
  if (stopping) return;
  stopping = true;
  log(`${signal} received, shutting down`);
  // Do not hang on stubborn connections (or on a Redis that went away).
  setTimeout(() => process.exit(0), opts.redis ? 3000 : 1000).unref();
  if (opts.redis) {
    // Members leave (user_exit reaches the other nodes) before this node leaves Redis.
    io.local.disconnectSockets(true);
    await Promise.allSettled([...pending]);
    await rooms.stop();
  }
  io.close(() => process.exit(0)); // disconnects all sockets and closes the http server
  if (httpServer.closeAllConnections) httpServer.closeAllConnections();
}
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));
