// A call whose ICE checks can never succeed, without a TURN server: the room server relays
// every candidate with its port changed to 9 (discard), so no check ever arrives. The call
// must end as failed, and the log and the report's end_reason must name the missing TURN
// server (--turn) as the way out.
import { createRequire } from 'node:module';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { NODE_MODULES, startPeer, assert, explain } from './lib.mjs';

const require = createRequire(join(NODE_MODULES, 'noop.js'));
const { Server } = require('socket.io');

// The reference server's dialect, minus working candidates.
async function startBreakingServer() {
  const http = createServer();
  const io = new Server(http);
  const rooms = new Map();
  let mangled = 0;
  io.on('connection', (socket) => {
    socket.on('joinRTCRoom', (room, user) => {
      const list = rooms.get(room) ?? [];
      list.push({ ...user, id: socket.id });
      rooms.set(room, list);
      socket.join(room);
      io.to(room).emit('usersInRoom', list.filter((u) => u.id !== socket.id));
    });
    socket.on('offer', (d) => socket.to(d.callTo).emit('getOffer', { sdp: d.sdp, callFrom: socket.id }));
    socket.on('answer', (d) => socket.to(d.answerTo).emit('getAnswer', { sdp: d.sdp, answerFrom: socket.id }));
    socket.on('candidate', (d) => {
      const c = d.candidate;
      if (c && typeof c.candidate === 'string') {
        // candidate:FOUNDATION COMPONENT PROTO PRIORITY ADDRESS PORT typ ...
        const f = c.candidate.split(' ');
        if (f.length > 5) { f[5] = '9'; mangled++; }
        c.candidate = f.join(' ');
      }
      socket.to(d.candidateTo).emit('getCandidate', { candidate: c, candidateFrom: socket.id });
    });
  });
  await new Promise((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${http.address().port}`,
    mangled: () => mangled,
    close: () => new Promise((resolve) => { io.close(() => resolve()); http.closeAllConnections?.(); }),
  };
}

const server = await startBreakingServer();
try {
  const t0 = Date.now();
  const a = startPeer('alice', ['--server', server.url, '--room', 'nopath', '--duration', '40']);
  await a.waitForLog(/joined room 'nopath'/);
  const b = startPeer('bob', ['--server', server.url, '--room', 'nopath', '--duration', '40']);
  // Bob gives up on the call; no need to wait for --duration.
  await b.waitForLog(/closing that session/, 35000);
  console.log(`call given up after ${Date.now() - t0} ms`);
  a.proc.kill('SIGTERM');
  b.proc.kill('SIGTERM');
  const [ra, rb] = await Promise.all([a.done, b.done]);
  assert.ok(server.mangled() > 0, 'candidates were relayed');
  for (const r of [ra, rb]) {
    const p = r.report.peers[0];
    assert.ok(p, explain(r));
    assert.equal(p.state, 'failed', explain(r));
    assert.match(p.end_reason, /no TURN server is configured \(--turn\)/, explain(r));
    assert.equal(p.selected_pair, null, explain(r));
  }
  assert.match(rb.stderr, /no TURN server is configured \(--turn\)/, explain(rb));
  console.log(`end_reason: ${rb.report.peers[0].end_reason}`);
} finally {
  await server.close();
}
