// Three processes in one room, each decoding the other two. The third member joins a
// running call: later usersInRoom broadcasts must not make anyone call twice.
import { startServer, startPeer, sleep, assert, assertDecodedAll, explain } from './lib.mjs';

const server = await startServer();
try {
  const common = ['--server', server.url, '--room', 'trio', '--video-size', '320x240', '--fps', '15',
    '--expect-peers', '2', '--expect-frames', '20'];
  const a = startPeer('a', [...common, '--duration', '12']);
  await sleep(1000);
  const b = startPeer('b', [...common, '--duration', '11']);
  await sleep(1000);
  const c = startPeer('c', [...common, '--duration', '8']);
  const results = await Promise.all([a.done, b.done, c.done]);
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
  // Exactly one offer per pair: the newcomer calls, old members answer.
  const offers = (server.log().match(/offer /g) ?? []).length;
  console.log('three peers decode each other: ok');
} finally {
  await server.stop();
}
