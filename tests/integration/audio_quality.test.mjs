// Call quality from the test tone: each sender's tone has the frequency its id gives, marked
// once a second on the wall clock.
// 1. Alice stamps her video (--latency-probe), Bob sends plain test media, Carol's
//    --audio-pipeline sends a 1000 Hz tone that is nobody's. Bob checks them all: Alice's
//    tone is hers, in sync with her video within 40 ms, without gaps; Carol's is not hers.
//    Carol checks Bob's: his tone is his, and without stamps there is no sync figure.
// 2. Dave is stopped (SIGSTOP) three times for half a second: three gaps at Erin.
// "Without gaps" allows a little: on a loaded 2-core machine a stalled process is a real
// hole in the playback timeline (the jitter buffer re-times what arrives late).
import { startServer, startPeer, waitForJoin, assert, explain } from './lib.mjs';

const server = await startServer();
const peers = [];
// Small video: three peers that each encode one stream and decode two share the machine, and
// audio must not starve.
const args = (room) => ['--server', server.url, '--room', room, '--duration', '60',
  '--video-size', '320x240'];
const framesFrom = (p, id) => p.stats()?.peers.find((x) => x.id === id)?.frames_decoded ?? 0;
const audioAt = (r, id) => {
  assert.ok(r.report, `${r.name} wrote a report` + explain(r));
  const p = r.report.peers.find((x) => x.id === id);
  assert.ok(p, `${r.name} reports ${id}` + explain(r));
  console.log(`${r.name} <- ${id}: ${JSON.stringify(p.audio)}`);
  return p.audio;
};
const start = (name, room, extra = []) => {
  const p = startPeer(name, [...args(room), ...extra], { stats: true });
  peers.push(p);
  return p;
};
const stopAll = async (list) => {
  for (const p of list) p.proc.kill('SIGINT');
  return Promise.all(list.map((p) => p.done));
};
const kMaxNoise = 2;

try {
  const a = start('alice', 'tone', ['--latency-probe']);
  const aliceId = await waitForJoin(server, a, 'tone');
  const c = start('carol', 'tone', ['--audio-pipeline', 'audiotestsrc is-live=true wave=sine freq=1000']);
  const carolId = await waitForJoin(server, c, 'tone');
  const b = start('bob', 'tone');
  const bobId = await waitForJoin(server, b, 'tone');
  // Five seconds of everyone's media at Bob and at Carol: marks of Alice's with stamped video.
  await b.waitForStats((s) => s.peers.length === 2 && s.peers.every((x) => x.frames_decoded >= 150),
    { ms: 30000, what: '150 frames from alice and carol' });
  await c.waitForStats((s) => s.peers.some((x) => x.id === bobId && x.frames_decoded >= 150),
    { ms: 30000, what: '150 frames from bob' });
  const [rb, rc] = await stopAll([b, c, a]);

  const fromAlice = audioAt(rb, aliceId);
  assert.equal(fromAlice.tone_ok, true, 'alice\'s tone is the one her id gives' + explain(rb));
  assert.ok(fromAlice.gaps <= kMaxNoise, `alice's tone without gaps (${fromAlice.gaps})` + explain(rb));
  assert.ok(fromAlice.av_sync_ms, 'sync from alice\'s marks and stamps' + explain(rb));
  assert.ok(Math.abs(fromAlice.av_sync_ms.p50) <= 40,
    `alice's audio within 40 ms of her video on loopback: ${JSON.stringify(fromAlice.av_sync_ms)}` + explain(rb));
  const fromCarol = audioAt(rb, carolId);
  assert.equal(fromCarol.tone_ok, false, 'a 1000 Hz tone is not carol\'s' + explain(rb));
  assert.equal(fromCarol.av_sync_ms, null, 'carol has no marks and no stamps');
  const fromBob = audioAt(rc, bobId);
  assert.equal(fromBob.tone_ok, true, 'bob\'s tone is his' + explain(rc));
  assert.ok(fromBob.gaps <= kMaxNoise, `bob's tone without gaps (${fromBob.gaps})` + explain(rc));
  assert.equal(fromBob.av_sync_ms, null, 'bob does not stamp his video' + explain(rc));

  const d = start('dave', 'stop');
  const daveId = await waitForJoin(server, d, 'stop');
  const e = start('erin', 'stop');
  await waitForJoin(server, e, 'stop');
  await e.waitForStats((s) => s.peers.some((x) => x.frames_decoded >= 60),
    { ms: 30000, what: '60 frames from dave' });
  for (let i = 0; i < 3; i++) {
    // The half second is the one duration this test imposes; then Dave's media must flow
    // again (a second of frames) before the next stop.
    d.proc.kill('SIGSTOP');
    await new Promise((r) => setTimeout(r, 500));
    d.proc.kill('SIGCONT');
    const after = framesFrom(e, daveId);
    await e.waitForStats((s) => (s.peers.find((x) => x.id === daveId)?.frames_decoded ?? 0) >= after + 30,
      { ms: 30000, what: `frames from dave after stop ${i + 1}` });
  }
  const [re] = await stopAll([e, d]);
  const fromDave = audioAt(re, daveId);
  assert.equal(fromDave.tone_ok, true, explain(re));
  assert.ok(fromDave.gaps >= 3, `dave's three stops are gaps (${fromDave.gaps})` + explain(re));
  console.log('audio quality from the test tone: ok');
} finally {
  for (const p of peers) { try { p.proc.kill('SIGCONT'); } catch {} }
  await server.stop();
}
