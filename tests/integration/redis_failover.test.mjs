// Two room-server nodes share a room through a private Redis. a and c are on node A, b on node
// B, all three call each other across the nodes and decode each other. Node A is killed with
// SIGKILL: a and c (given both URLs) fail over to B, join again under new ids and call again;
// the room service forgets their old ids (Redis, every report); and a newcomer d, given the
// dead node first, reaches B and decodes all three.
import { startPeer, waitForJoin, sleep, assert, explain } from './lib.mjs';
import { startRedis, startNode, membersInRedis } from './redis_lib.mjs';

const ROOM = 'failover';
const SIZE = ['--video-size', '320x240']; // four members on a shared 2-core machine
const ids = (peer) => [...peer.stderr().matchAll(/joined room '[^']*' as (\S+)/g)].map((m) => m[1]);
const count = (text, re) => (text.match(new RegExp(re, 'g')) ?? []).length;

async function waitFor(what, cond, ms) {
  const t0 = Date.now();
  while (!(await cond())) {
    if (Date.now() - t0 > ms) throw new Error(`${what}: not within ${ms} ms`);
    await sleep(100);
  }
}

const redis = await startRedis();
const nodeA = await startNode(redis);
const nodeB = await startNode(redis);
const [A, B] = [nodeA.url, nodeB.url];
const t0 = Date.now();
try {
  const common = ['--room', ROOM, ...SIZE];
  const a = startPeer('a', ['--server', `${A},${B}`, ...common]);
  await waitForJoin(nodeA, a, ROOM);
  const b = startPeer('b', ['--server', B, '--server', A, ...common], { stats: true });
  await waitForJoin(nodeB, b, ROOM);
  const c = startPeer('c', ['--server', `${A},${B}`, ...common]);
  const members = [a, b, c];
  // Everyone decodes both others: calls set up through two nodes.
  await waitFor('a, b and c decode each other', () =>
    members.every((p) => count(p.stderr(), 'first video frame') >= 2), 20000);
  const [aOld, bId, cOld] = members.map((p) => ids(p)[0]);
  assert.deepEqual(membersInRedis(redis, ROOM), [aOld, bId, cOld].sort());
  // Node A dies once b has decoded 60 frames from each of a and c across the nodes (asserted
  // from b's report at the end).
  await b.waitForStats((s) => [aOld, cOld].every((id) => s.peers.find((p) => p.id === id)?.frames_decoded >= 60),
    { ms: 20000, what: '60 frames from a and from c' });

  const killedAt = Date.now();
  nodeA.proc.kill('SIGKILL');
  for (const p of [a, c]) await p.waitForLog(/joined room[^\n]*\n(.|\n)*joined room/, 15000);
  const [aNew, cNew] = [a, c].map((p) => ids(p).at(-1));
  const live = [aNew, bId, cNew].sort();
  // The dead node's members leave Redis within its heartbeat TTL (3 s) plus one sweep.
  await waitFor('the dead node\'s members leave Redis', () =>
    JSON.stringify(membersInRedis(redis, ROOM)) === JSON.stringify(live), 10000);
  const ghostsGoneMs = Date.now() - killedAt;

  // The newcomer tries the dead node first and moves on to B.
  const d = startPeer('d', ['--server', `${A},${B}`, ...common, '--duration', '10',
    '--expect-peers', '3', '--expect-frames', '60']);
  const rd = await d.done;
  for (const p of members) p.proc.kill('SIGTERM');
  const [ra, rb, rc] = await Promise.all(members.map((p) => p.done));

  assert.equal(rd.code, 0, 'd reaches everyone through B' + explain(rd));
  assert.equal(rd.report.server, B, explain(rd));
  assert.match(rd.stderr, new RegExp(`cannot reach the room server at ${A}[^\\n]*next: ${B}`), explain(rd));
  assert.deepEqual(rd.report.peers.map((p) => p.id).sort(), live, 'd met no ghosts' + explain(rd));
  const dId = rd.report.self_id;

  for (const r of [ra, rb, rc]) {
    assert.equal(r.code, 0, explain(r));
    assert.equal(r.report.server, B, `${r.name} ends on node B` + explain(r));
    const byId = new Map(r.report.peers.map((p) => [p.id, p]));
    // Calls made through node B after the failover carry media, to everyone alive.
    for (const id of [...live, dId].filter((id) => id !== r.report.self_id)) {
      const p = byId.get(id);
      assert.ok(p, `${r.name} never met ${id}` + explain(r));
      assert.ok(p.video.frames_decoded >= 60, `${r.name}: ${p.video.frames_decoded} frames from ${id}` + explain(r));
      assert.ok(p.audio.buffers_decoded > 0, `${r.name}: no audio from ${id}` + explain(r));
    }
    // Old ids are closed, never left open as ghosts, and nobody called its own old id.
    for (const id of [aOld, cOld].filter((x) => byId.has(x))) {
      assert.notEqual(byId.get(id).state, 'connected', `${r.name}: ghost ${id} still connected` + explain(r));
      assert.ok(byId.get(id).end_reason, explain(r));
    }
  }
  assert.ok(!ra.report.peers.some((p) => p.id === aOld), 'a called its own old id' + explain(ra));
  assert.ok(!rc.report.peers.some((p) => p.id === cOld), 'c called its own old id' + explain(rc));
  for (const r of [ra, rc]) {
    assert.match(r.stderr, new RegExp(`lost the room server ${A} [^\\n]*next: ${B}`), explain(r));
    assert.match(r.stderr, new RegExp(`on room server ${B}`), explain(r));
    // b kept its id: the same member is called again, and that second call connects too.
    assert.equal(count(r.stderr, `peer ${bId}: connected`), 2, explain(r));
    assert.doesNotMatch(r.stderr, new RegExp(`peer ${bId}: [^\n]*closing that session`), explain(r));
  }
  // Before the kill, b decoded a and c across the nodes.
  for (const id of [aOld, cOld]) {
    const p = rb.report.peers.find((x) => x.id === id);
    assert.ok(p && p.video.frames_decoded >= 60, `b decoded ${p?.video.frames_decoded} frames from ${id} across nodes` + explain(rb));
  }
  assert.equal(rb.stderr.match(/joined room/g).length, 1, 'b never left its node' + explain(rb));

  console.log(`failover: ghosts gone ${ghostsGoneMs} ms after the kill; ` +
    `d decoded ${rd.report.peers.map((p) => p.video.frames_decoded).join('/')} frames; ` +
    `${Date.now() - t0} ms; ok`);
} finally {
  await nodeB.stop();
  await redis.stop();
}
