// Two roompeer processes in one room through the reference server decode each other's
// audio and video. The default STUN servers stay configured: unreachable, they must not
// delay or break the call.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, startPeer, waitForJoin, escapeRe, assert, assertDecodedAll, explain, tmp } from './lib.mjs';

// Both keep their DTLS key in one fresh file: the dtls plugin must have asked roompeer for it.
const keyFile = join(tmp(), 'cache', 'dtls.pem');

const server = await startServer();
try {
  // Alice is in the room first (the server took her join), so Bob is the newcomer: he calls
  // her and learns her user object from usersInRoom. The call runs until both decoded 120
  // frames (their --stats lines), however long starting took; then Bob leaves, and Alice once
  // she saw him go. (--duration only bounds a run that goes wrong.)
  const a = startPeer('alice', ['--server', server.url, '--room', 'pair', '--duration', '60',
    '--expect-peers', '1', '--expect-frames', '60', '--user-json', '{"role":"camera"}', '--latency-probe',
    '--dtls-key-cache', keyFile],
    { defaultStun: true, stats: true });
  await waitForJoin(server, a, 'pair');
  const b = startPeer('bob', ['--server', server.url, '--room', 'pair', '--duration', '60',
    '--expect-peers', '1', '--expect-frames', '60', '--dtls-key-cache', keyFile], { defaultStun: true, stats: true });
  for (const p of [a, b]) {
    await p.waitForStats((s) => s.peers.some((x) => x.frames_decoded >= 120),
      { ms: 30000, what: '120 frames decoded' });
  }
  b.proc.kill('SIGINT');
  const rb = await b.done;
  assert.ok(rb.report?.self_id, 'bob wrote a report with his id' + explain(rb));
  await a.waitForLog(new RegExp(`peer ${escapeRe(rb.report.self_id)}: left`), 15000);
  a.proc.kill('SIGINT');
  const ra = await a.done;
  if ([ra, rb].some((r) => r.code !== 0)) for (const r of [ra, rb]) console.log(explain(r));

  for (const r of [ra, rb]) {
    assert.equal(r.code, 0, `${r.name} should pass` + explain(r));
    assert.equal(r.report.result, 'pass', explain(r));
    assert.deepEqual(r.report.failures, []);
    assert.equal(r.report.room, 'pair');
    assert.equal(typeof r.report.self_id, 'string');
    assertDecodedAll(r, 1, 60);
    const p = r.report.peers[0];
    assert.equal(p.video.width, 640, explain(r));
    assert.equal(p.video.height, 480, explain(r));
    // Loopback, no TURN: media goes straight between the two host candidates.
    assert.deepEqual(p.selected_pair, { local_type: 'host', remote_type: 'host', protocol: 'udp' }, explain(r));
  }
  // Alice stamps her frames (--latency-probe): Bob measures glass-to-glass latency; Bob does
  // not stamp, so Alice has none.
  const lat = rb.report.peers[0].video.latency_ms;
  assert.ok(lat && lat.samples >= 60, 'latency samples from the stamped frames' + explain(rb));
  assert.ok(lat.p50 > 0 && lat.p50 <= lat.p95 && lat.p95 <= lat.max, JSON.stringify(lat));
  assert.equal(ra.report.peers[0].video.latency_ms, null, explain(ra));
  console.log(`glass-to-glass latency alice -> bob: p50 ${lat.p50} ms, p95 ${lat.p95} ms (${lat.samples} frames)`);
  // Each side's peer id is the other's self id.
  assert.equal(ra.report.peers[0].id, rb.report.self_id);
  assert.equal(rb.report.peers[0].id, ra.report.self_id);
  // Bob learned Alice's user object from usersInRoom; the seed server never tells Alice Bob's.
  assert.deepEqual(rb.report.peers[0].user, { role: 'camera', name: 'alice', id: ra.report.self_id });
  // Alice stayed longer: she saw Bob leave.
  assert.equal(ra.report.peers[0].state, 'closed');
  for (const r of [ra, rb]) {
    assert.match(r.stderr, /joined room 'pair'/);
    assert.match(r.stderr, /: connected/);
    assert.match(r.stderr, /: first video frame/);
    // Unreachable default STUN servers are not the user's problem: no library noise at -v0.
    assert.doesNotMatch(r.stderr, /WARNING \*\*|CRITICAL/, explain(r));
    console.log(`${r.name}: ${r.report.peers[0].video.frames_decoded} frames, first after ${r.report.peers[0].first_video_frame_ms} ms`);
  }
  const key = statSync(keyFile);
  assert.equal(key.mode & 0o777, 0o600, 'the cached DTLS key is private');
  console.log('DTLS key cached in ' + keyFile);
  console.log('two peers decode each other: ok');
} finally {
  await server.stop();
}
