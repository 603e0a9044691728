// Member lists shared by every room-server process through Redis (--redis URL).
//
// Keys (all under "roompeer:"):
//   room:<room>           hash  socket id -> {"node", "joined", "user": {...userInfo, id}}
//   node:<node>           string, expires NODE_TTL_MS after this node's last heartbeat
//   node:<node>:members   set of [room, socket id] this node added, for cleaning up after it
//   nodes                 set of node ids that have not been cleaned up after
//
// A node that dies (SIGKILL, power cut) cannot say goodbye: its heartbeat key expires, and the
// first surviving node to notice (sweep every HEARTBEAT_MS, and on every join) removes its
// members and sends user_exit for each, so nobody keeps calling ghosts after a failover.
'use strict';

const crypto = require('crypto');

const PREFIX = 'roompeer:';
const HEARTBEAT_MS = 1000;
// Three missed heartbeats: long enough for a GC pause or a slow Redis, short enough that a
// client that fails over (first retry after 0.5-1.5 s) sees the ghosts go within seconds.
const NODE_TTL_MS = 3000;

const roomKey = (room) => `${PREFIX}room:${room}`;
const nodeKey = (node) => `${PREFIX}node:${node}`;
const membersKey = (node) => `${PREFIX}node:${node}:members`;
const NODES = `${PREFIX}nodes`;

class RedisRooms {
  // onExit(room, id): a member of a dead node was removed; tell the room.
  // onDeclaredDead(): the others gave up on this node (it missed its heartbeats); its clients
  // must join again.
  constructor({ url, log, warn, onExit, onDeclaredDead }) {
    this.url = url;
    this.log = log;
    this.warn = warn;
    this.onExit = onExit;
    this.onDeclaredDead = onDeclaredDead;
    this.node = crypto.randomBytes(6).toString('hex');
    this.timers = [];
    this.registered = false;
    this.lastError = 0;
  }

  // Connects (fails within `timeoutMs` when Redis cannot be reached) and resolves with the
  // {pub, sub} clients for the Socket.IO adapter.
  async start(timeoutMs = 5000) {
    const { createClient } = require('redis');
    const reportError = (err) => {
      // The client reconnects by itself; one line per 5 s is enough to show Redis is away.
      if (Date.now() - this.lastError < 5000) return;
      this.lastError = Date.now();
      this.warn(`redis: ${err.message}`);
    };
    // Unreachable at start: fail now (exit 1) rather than retry in silence; later, reconnect
    // with the client's usual growing delay.
    const reconnectStrategy = (retries, cause) =>
      this.registered ? Math.min(50 * 2 ** retries, 2000) : cause ?? new Error('connection lost');
    this.pub = createClient({ url: this.url, socket: { reconnectStrategy } });
    this.sub = this.pub.duplicate();
    this.pub.on('error', reportError);
    this.sub.on('error', reportError);
    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([Promise.all([this.pub.connect(), this.sub.connect()]), timeout]);
    } finally {
      clearTimeout(timer);
    }
    await this.heartbeat();
    this.timers.push(setInterval(() => this.heartbeat().catch(reportError), HEARTBEAT_MS));
    this.timers.push(setInterval(() => this.sweep().catch(reportError), HEARTBEAT_MS));
    this.log(`redis: node ${this.node} on ${this.url}`);
    return { pub: this.pub, sub: this.sub };
  }

  async heartbeat() {
    await this.pub.set(nodeKey(this.node), String(process.pid), { PX: NODE_TTL_MS });
    const added = await this.pub.sAdd(NODES, this.node);
    if (added && this.registered) {
      this.warn(`redis: node ${this.node} was declared dead (missed heartbeats); its clients must join again`);
      this.onDeclaredDead();
    }
    this.registered = true;
  }

  // Cleans up after every node whose heartbeat expired. SREM decides which survivor does it.
  async sweep() {
    const nodes = await this.pub.sMembers(NODES);
    for (const node of nodes) {
      if (node === this.node || (await this.pub.exists(nodeKey(node)))) continue;
      if (!(await this.pub.sRem(NODES, node))) continue;
      const entries = await this.pub.sMembers(membersKey(node));
      this.log(`redis: node ${node} is dead; removing its ${entries.length} member(s)`);
      for (const text of entries) {
        const [room, id] = JSON.parse(text);
        if (await this.pub.hDel(roomKey(room), id)) this.onExit(room, id);
      }
      await this.pub.del(membersKey(node));
    }
  }

  // Removes the room's entries whose node is dead, in case the sweep has not got to them yet
  // (or its node crashed halfway).
  async purgeRoom(room) {
    const raw = await this.pub.hGetAll(roomKey(room));
    const byNode = new Map();
    for (const [id, text] of Object.entries(raw)) {
      const { node } = JSON.parse(text);
      if (node === this.node) continue;
      if (!byNode.has(node)) byNode.set(node, []);
      byNode.get(node).push(id);
    }
    if (byNode.size === 0) return;
    const nodes = [...byNode.keys()];
    const alive = await this.pub.mGet(nodes.map(nodeKey));
    for (let i = 0; i < nodes.length; i++) {
      if (alive[i] !== null) continue;
      for (const id of byNode.get(nodes[i])) {
        if (await this.pub.hDel(roomKey(room), id)) this.onExit(room, id);
      }
    }
  }

  // Adds (or replaces) the socket's entry; resolves with the whole room, joiner included, in
  // join order. One transaction, so of two members joining at once on two nodes exactly one
  // sees the other (and calls it).
  async join(room, id, entry) {
    await this.purgeRoom(room);
    const value = JSON.stringify({ node: this.node, joined: Date.now(), user: entry });
    const [, , raw] = await this.pub.multi()
      .hSet(roomKey(room), id, value)
      .sAdd(membersKey(this.node), JSON.stringify([room, id]))
      .hGetAll(roomKey(room))
      .exec();
    return Object.entries(raw)
      .map(([key, text]) => ({ key, ...JSON.parse(text) }))
      .sort((a, b) => a.joined - b.joined || (a.key < b.key ? -1 : 1))
      .map((e) => e.user);
  }

  async leave(room, id) {
    const [removed] = await this.pub.multi()
      .hDel(roomKey(room), id)
      .sRem(membersKey(this.node), JSON.stringify([room, id]))
      .exec();
    return removed > 0;
  }

  async roomsOf(id) {
    const rooms = [];
    for (const text of await this.pub.sMembers(membersKey(this.node))) {
      const [room, member] = JSON.parse(text);
      if (member === id) rooms.push(room);
    }
    return rooms;
  }

  // After the last member left: nothing of this node stays in Redis.
  async stop() {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    try {
      await this.pub.multi().del(nodeKey(this.node)).sRem(NODES, this.node).del(membersKey(this.node)).exec();
    } catch (err) {
      this.warn(`redis: cannot remove node ${this.node}: ${err.message}`);
    }
    await Promise.allSettled([this.pub.quit(), this.sub.quit()]);
  }
}

module.exports = { RedisRooms, HEARTBEAT_MS, NODE_TTL_MS };
