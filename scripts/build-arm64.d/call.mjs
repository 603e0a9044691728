// scripts/build-arm64's call: two arm64 roompeers (ROOMPEER, a qemu-user wrapper) in one room
// on the native reference room server, on loopback (run it inside tests/integration/netns-run),
// 240x240 test video and test audio. Passes when both decoded FRAMES video frames and audio from
// the other, left cleanly and wrote a passing report. Prints "call: pass, A and B frames".
// Usage: ROOMPEER=... node call.mjs [FRAMES]
import { startServer, startPeer, waitForJoin, escapeRe, assert, assertDecodedAll, explain } from '../../tests/integration/lib.mjs';

const frames = Number(process.argv[2] ?? 60);
// qemu-user is 5-20 times slower than native: every wait is generous (upper bounds only).
const slow = 120000;
const args = ['--room', 'arm64', '--video', 'test', '--audio', 'test', '--video-size', '240x240',
  '--duration', '300', '--expect-peers', '1', '--expect-frames', String(frames)];

const server = await startServer();
try {
  const a = startPeer('alice', ['--server', server.url, ...args], { stats: true });
  await waitForJoin(server, a, 'arm64', slow);
  const b = startPeer('bob', ['--server', server.url, ...args], { stats: true });
  for (const p of [a, b]) {
    await p.waitForStats((s) => s.peers.some((x) => x.frames_decoded >= frames),
      { ms: slow, what: `${frames} frames decoded` });
  }
  b.proc.kill('SIGINT');
  const rb = await b.done;
  assert.ok(rb.report?.self_id, 'bob wrote a report with his id' + explain(rb));
  await a.waitForLog(new RegExp(`peer ${escapeRe(rb.report.self_id)}: left`), slow);
  a.proc.kill('SIGINT');
  const ra = await a.done;
  for (const r of [ra, rb]) {
    assert.equal(r.code, 0, `${r.name} should exit 0` + explain(r));
    assert.equal(r.report.result, 'pass', explain(r));
    assertDecodedAll(r, 1, frames);
    const v = r.report.peers[0].video;
    assert.equal(v.width, 240, explain(r));
    assert.equal(v.height, 240, explain(r));
  }
  const got = [ra, rb].map((r) => r.report.peers[0].video.frames_decoded);
  console.log(`call: pass, ${got[0]} and ${got[1]} frames (alice, bob; 240x240)`);
} finally {
  await server.stop();
}
