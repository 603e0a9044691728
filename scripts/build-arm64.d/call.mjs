// scripts/build-arm64's call: two arm64 roompeers (ROOMPEER, a qemu-user wrapper) in one room
// on the native reference room server, on loopback (run it inside tests/integration/netns-run),
// 240x240 test video and test audio. Passes when both decoded FRAMES video frames and audio from
// the other, at 240x240, and the newcomer left cleanly with a passing report.
// Prints "call: pass, A and B frames ...".
//
// qemu-user translates every code path the first time it runs: the first call a process makes
// (plugin loading, NSS's self-tests under libsrtp2, DTLS) can take longer than roompeer's fixed
// 20 s to connect on a loaded machine. So alice stays in the room and bob, the newcomer, is
// started again (a fresh process) while a call fails that way, up to ATTEMPTS times; the
// attempts are printed. Usage: ROOMPEER=... node call.mjs [FRAMES] [ATTEMPTS]
import { startServer, startPeer, waitForJoin, escapeRe, assert, explain } from '../../tests/integration/lib.mjs';

const frames = Number(process.argv[2] ?? 60);
const attempts = Number(process.argv[3] ?? 3);
const slow = 180000;  // upper bounds only: qemu-user is 5-50 times slower than native
const args = ['--room', 'arm64', '--video', 'test', '--audio', 'test', '--video-size', '240x240',
  '--duration', '600', '--expect-peers', '1', '--expect-frames', String(frames)];

const server = await startServer();
try {
  const a = startPeer('alice', ['--server', server.url, ...args], { stats: true });
  await waitForJoin(server, a, 'arm64', slow);
  let b = null;
  let bobId = null;
  for (let i = 1; ; i++) {
    b = startPeer('bob', ['--server', server.url, ...args], { stats: true });
    bobId = await waitForJoin(server, b, 'arm64', slow);
    const t0 = Date.now();
    // Either both decode FRAMES frames from each other, or a side gives the session up.
    const gaveUp = Promise.race([
      a.waitForLog(new RegExp(`peer ${escapeRe(bobId)}: .*closing that session`), slow),
      b.waitForLog(/closing that session/, slow),
    ]).then((m) => m[0], () => null);
    const decoded = (async () => {
      await b.waitForStats((s) => s.peers.some((x) => x.frames_decoded >= frames),
        { ms: slow, what: `${frames} frames decoded` });
      await a.waitForStats((s) => s.peers.some((x) => x.id === bobId && x.frames_decoded >= frames),
        { ms: slow, what: `${frames} frames decoded from bob` });
      return 'ok';
    })();
    const first = await Promise.race([decoded, gaveUp.then((why) => why ?? 'ok')]);
    if (first === 'ok') {
      console.log(`call attempt ${i}: connected, ${frames} frames each way in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
      break;
    }
    console.log(`call attempt ${i}: gave up (${first.trim()})`);
    b.proc.kill('SIGINT');
    await b.done;
    assert.ok(i < attempts, `no call connected in ${attempts} attempts`);
  }
  b.proc.kill('SIGINT');
  const rb = await b.done;
  await a.waitForLog(new RegExp(`peer ${escapeRe(bobId)}: left`), slow);
  a.proc.kill('SIGINT');
  const ra = await a.done;
  assert.equal(rb.code, 0, 'bob should exit 0' + explain(rb));
  assert.equal(rb.report.result, 'pass', explain(rb));
  const pb = rb.report.peers[0];
  const pa = ra.report.peers.find((p) => p.id === bobId);
  assert.ok(pa, 'alice reported bob' + explain(ra));
  for (const [who, p, r] of [['alice', pa, ra], ['bob', pb, rb]]) {
    assert.ok(p.video.frames_decoded >= frames, `${who} decoded ${p.video.frames_decoded} frames` + explain(r));
    assert.ok(p.audio.buffers_decoded > 0, `${who} decoded no audio` + explain(r));
    assert.equal(p.video.width, 240, explain(r));
    assert.equal(p.video.height, 240, explain(r));
  }
  console.log(`call: pass, ${pa.video.frames_decoded} and ${pb.video.frames_decoded} frames ` +
    `(alice from bob, bob from alice; 240x240 VP8 and Opus, audio buffers ${pa.audio.buffers_decoded} and ${pb.audio.buffers_decoded})`);
} finally {
  await server.stop();
}
