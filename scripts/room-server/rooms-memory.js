// Member lists of one room-server process, in its memory (no --redis).
// Same interface as rooms-redis.js; every method resolves at once.
'use strict';

class MemoryRooms {
  constructor({ seedMode }) {
    this.seedMode = seedMode;
    // users[room] = [{...userInfo, id: socketId}, ...]  (same shape as the seed)
    this.users = Object.create(null);
  }

  async start() {}
  async stop() {}

  // Adds (or replaces) the socket's entry; resolves with the whole room, joiner included.
  async join(room, id, entry) {
    if (this.users[room] === undefined) this.users[room] = [];
    const list = this.users[room];
    const existing = list.findIndex((u) => u.id === id);
    // The seed pushes a duplicate on a repeated join; that is invisible to clients
    // (members never contain the joiner itself), so default mode just replaces it.
    if (existing >= 0 && !this.seedMode) list[existing] = entry;
    else list.push(entry);
    return list.slice();
  }

  // Resolves true when the socket was a member (and is not any more).
  async leave(room, id) {
    const list = this.users[room];
    if (!list || !list.some((u) => u.id === id)) return false;
    this.users[room] = list.filter((u) => u.id !== id);
    if (this.users[room].length === 0) delete this.users[room];
    return true;
  }

  async roomsOf(id) {
    return Object.keys(this.users).filter((room) => this.users[room].some((u) => u.id === id));
  }
}

module.exports = { MemoryRooms };
