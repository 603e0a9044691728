// The reference room server with --redis, spoken to by raw Socket.IO clients: two nodes on
// one private Redis share a room (usersInRoom lists members of both nodes, offers cross
// nodes, a disconnect on one node is a user_exit on the other); a node killed with SIGKILL
// leaves no ghosts (its members get user_exit and vanish from Redis and from the next
// usersInRoom); a node stopped with SIGTERM leaves nothing in Redis. Also the CLI errors.
import { spawnSync } from 'node:child_process';
import { ROOM_SERVER, assert } from './lib.mjs';
import { startRedis, startNode, membersInRedis, RawClient } from './redis_lib.mjs';

const ROOM = 'shared';
const redis = await startRedis();
try {
  // CLI: a bad URL and --seed-mode with --redis are usage errors, an unreachable Redis exit 1.
  for (const [args, code, re] of [
    [['--redis', 'localhost:6379'], 2, /must look like redis:\/\//],
    [['--redis', redis.url, '--seed-mode'], 2, /does not combine with --redis/],
    [['--redis', 'redis://127.0.0.1:1'], 1, /cannot reach Redis/],
  ]) {
    const r = spawnSync(ROOM_SERVER, ['--port', '0', ...args], { encoding: 'utf8', timeout: 15000 });
    assert.equal(r.status, code, `room-server ${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re);
  }

  const a = await startNode(redis);
  const b = await startNode(redis);
  const t0 = Date.now();

  const x = await new RawClient('x').connect(a.url);
  x.emit('joinRTCRoom', ROOM, { name: 'x' });
  assert.deepEqual(await x.usersInRoom(), []);

  const y = await new RawClient('y').connect(b.url);
  y.emit('joinRTCRoom', ROOM, { name: 'y' });
  assert.deepEqual(await y.usersInRoom(), [{ name: 'x', id: x.id }], 'node b lists the member of node a');
  // The broadcast reaches the room on the other node too (old members see the same list).
  assert.deepEqual(await x.usersInRoom(), [{ name: 'x', id: x.id }]);

  y.emit('offer', { sdp: { type: 'offer', sdp: 'v=0' }, callTo: x.id });
  const [, offer] = await x.waitFor((e) => e[0] === 'getOffer', 'getOffer');
  assert.deepEqual(offer, { sdp: { type: 'offer', sdp: 'v=0' }, callFrom: y.id }, 'offers cross nodes');
  x.emit('answer', { sdp: { type: 'answer', sdp: 'v=0' }, answerTo: y.id });
  await y.waitFor((e) => e[0] === 'getAnswer' && e[1].answerFrom === x.id, 'getAnswer');

  // A member that disconnects from node a is a user_exit on node b, and gone from Redis.
  x.close();
  await y.userExit(x.id);
  assert.deepEqual(membersInRedis(redis, ROOM), [y.id]);

  // leaveRTCRoom on node b reaches node a.
  const z = await new RawClient('z').connect(a.url);
  z.emit('joinRTCRoom', ROOM, { name: 'z' });
  assert.deepEqual(await z.usersInRoom(), [{ name: 'y', id: y.id }]);
  await y.usersInRoom(); // the broadcast of z's join
  y.emit('leaveRTCRoom', ROOM);
  await z.userExit(y.id);
  y.emit('joinRTCRoom', ROOM, { name: 'y' });
  assert.deepEqual(await y.usersInRoom(), [{ name: 'z', id: z.id }]);

  // Node a dies without a word: z (on it) is a ghost until the survivors notice the missing
  // heartbeat; then b's members get user_exit and a newcomer is not offered the ghost.
  const killedAt = Date.now();
  a.proc.kill('SIGKILL');
  await y.userExit(z.id, 10000);
  const ghostGoneMs = Date.now() - killedAt;
  assert.deepEqual(membersInRedis(redis, ROOM), [y.id], 'no ghost entries in Redis');
  assert.deepEqual(redis.cli('SMEMBERS', 'roompeer:nodes').length, 1, 'the dead node is deregistered');
  const w = await new RawClient('w').connect(b.url);
  w.emit('joinRTCRoom', ROOM, { name: 'w' });
  assert.deepEqual(await w.usersInRoom(), [{ name: 'y', id: y.id }], 'a newcomer sees no ghosts');

  // A node stopped with SIGTERM removes its members, then itself: nothing stays in Redis.
  await b.stop();
  assert.equal(b.proc.exitCode, 0, b.log());
  assert.deepEqual(redis.cli('KEYS', 'roompeer:*'), [], 'a stopped node leaves nothing in Redis');

  console.log(`ghost of a SIGKILLed node gone after ${ghostGoneMs} ms; whole test ${Date.now() - t0} ms; ok`);
} finally {
  await redis.stop();
}
