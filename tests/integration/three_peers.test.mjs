// Three processes in one room, each decoding the other two. The third member joins a
// running call: later usersInRoom broadcasts must not make anyone call twice.
import { startServer, startPeer, waitForJoin, escapeRe, assert, assertDecodedAll, explain } from './lib.mjs';

const server = await startServer();
try {
  const common = ['--server', server.url, '--room', 'trio', '--video-size', '320x240', '--fps', '15',
    '--expect-peers', '2', '--expect-frames', '20'];
  // a, then b, then c: each starts once the server has taken the previous one's join, so b
  // calls a, and c calls a and b. The call runs until everyone decoded 40 frames from both
  // others (their --stats lines), however long starting took; then c leaves, and a and b once
  // they saw it go. (--duration only bounds a run that goes wrong.)
  const a = startPeer('a', [...common, '--duration', '60'], { stats: true });
  const aId = await waitForJoin(server, a, 'trio');
  const b = startPeer('b', [...common, '--duration', '60'], { stats: true });
  const bId = await waitForJoin(server, b, 'trio');
  const c = startPeer('c', [...common, '--duration', '60'], { stats: true });
  for (const p of [a, b, c]) {
    await p.waitForStats((s) => s.peers.filter((x) => x.frames_decoded >= 40).length >= 2,
      { ms: 30000, what: '40 frames from each of the two others' });
  }
  c.proc.kill('SIGINT');
  const rc = await c.done;
  const cId = rc.report?.self_id;
  assert.ok(cId, 'c wrote a report with its id' + explain(rc));
  for (const p of [a, b]) await p.waitForLog(new RegExp(`peer ${escapeRe(cId)}: left`), 15000);
  for (const p of [a, b]) p.proc.kill('SIGINT');
  const results = [await a.done, await b.done, rc];
  if (results.some((r) => r.code !== 0)) for (const r of results) console.log(explain(r));
  for (const r of results) {
    assert.equal(r.code, 0, `${r.name} should pass` + explain(r));
    assertDecodedAll(r, 2, 20);
    assert.equal(r.report.peers.length, 2, 'exactly the two others' + explain(r));
    const ids = new Set(r.report.peers.map((p) => p.id));
    assert.ok(!ids.has(r.report.self_id), 'never a session with ourselves');
    assert.equal(ids.size, 2);
    for (const p of r.report.peers) { assert.equal(p.video.width, 320); assert.equal(p.video.height, 240); }
    console.log(`${r.name}: ` + r.report.peers.map((p) => `${p.video.frames_decoded} frames`).join(', '));
  }
  assert.deepEqual(results.map((r) => r.report.self_id), [aId, bId, cId]);
  // Exactly one offer per pair, three in all: the newcomer calls, old members answer
  // (b -> a; c -> a and c -> b), and nobody offers again.
  const offers = [...server.log().matchAll(/^room-server: offer (\S+) -> (\S+)$/gm)].map((m) => `${m[1]} -> ${m[2]}`);
  assert.equal(offers.length, 3, `offers relayed: ${offers.join(', ')}\n${server.log()}`);
  assert.deepEqual(offers.sort(), [`${bId} -> ${aId}`, `${cId} -> ${aId}`, `${cId} -> ${bId}`].sort(),
    'the newcomer offers to every member already there\n' + server.log());
  const answers = (server.log().match(/^room-server: answer \S+ -> \S+$/gm) ?? []).length;
  assert.equal(answers, 3, 'one answer per offer\n' + server.log());
  console.log(`offers: ${offers.join(', ')}`);
  console.log('three peers decode each other: ok');
} finally {
  await server.stop();
}
