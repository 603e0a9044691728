// --max-peers bounds the calls a node runs: the members beyond it are neither called nor
// answered (one warning each), and the calls within it are unaffected.
import { startServer, startPeer, assert, explain } from './lib.mjs';

const server = await startServer();
try {
  const common = ['--server', server.url, '--room', 'full'];
  const host = startPeer('host', [...common, '--max-peers', '1', '--duration', '12']);
  await host.waitForLog(/joined room/);
  const g1 = startPeer('g1', [...common, '--duration', '9', '--expect-peers', '1', '--expect-frames', '60']);
  await host.waitForLog(/first video frame/, 20000);
  const g2 = startPeer('g2', [...common, '--duration', '6']);
  const [rh, r1, r2] = await Promise.all([host.done, g1.done, g2.done]);
  assert.equal(rh.code, 0, explain(rh));
  assert.equal(r1.code, 0, 'the call within the limit works' + explain(r1));
  assert.match(rh.stderr, new RegExp(`peer ${r2.report.self_id}: not calling or answering it: --max-peers 1`), explain(rh));
  const decoding = rh.report.peers.filter((p) => p.video.frames_decoded > 0);
  assert.deepEqual(decoding.map((p) => p.id), [r1.report.self_id], explain(rh));
  assert.ok(!r2.report.peers.some((p) => p.id === rh.report.self_id && p.video.frames_decoded > 0), explain(r2));
  console.log('--max-peers 1 keeps one call: ok');
} finally {
  await server.stop();
}
