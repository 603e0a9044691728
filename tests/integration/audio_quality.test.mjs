// Call quality from the test tone: each sender's tone has the frequency its id gives, marked
// once a second on the wall clock. Alice stamps her video (--latency-probe), Bob sends plain
// test media, Carol's --audio-pipeline sends a 1000 Hz tone that is nobody's. Bob checks
// them all: Alice's tone is hers, in sync with her video within 40 ms, and the half second
// she is stopped (SIGSTOP) is a gap; Carol's tone is not hers. Carol checks Bob's: his tone
// is his, without gaps, and without stamps there is no sync figure.
import { startServer, startPeer, waitForJoin, assert, explain } from './lib.mjs';

const server = await startServer();
const room = 'tone';
// Small video: three peers that each encode one stream and decode two share a loaded 2-core
// machine, and audio must not starve.
const common = ['--server', server.url, '--room', room, '--duration', '60', '--expect-peers', '2',
  '--video-size', '320x240'];
const peers = [];
try {
  const a = startPeer('alice', [...common, '--latency-probe'], { stats: true });
  peers.push(a);
  const aliceId = await waitForJoin(server, a, room);
  const c = startPeer('carol', [...common, '--audio-pipeline', 'audiotestsrc is-live=true wave=sine freq=1000'], { stats: true });
  peers.push(c);
  const carolId = await waitForJoin(server, c, room);
  const b = startPeer('bob', common, { stats: true });
  peers.push(b);
  const bobId = await waitForJoin(server, b, room);

  const framesFrom = (p, id) => p.stats()?.peers.find((x) => x.id === id)?.frames_decoded ?? 0;
  // Three seconds of everyone's media at Bob: three marks of Alice's with stamped video.
  await b.waitForStats((s) => s.peers.length === 2 && s.peers.every((x) => x.frames_decoded >= 90),
    { ms: 30000, what: '90 frames from alice and carol' });
  await c.waitForStats((s) => s.peers.some((x) => x.id === bobId && x.frames_decoded >= 90),
    { ms: 30000, what: '90 frames from bob' });
  // Alice stops for half a second (the one duration this test imposes), then goes on.
  a.proc.kill('SIGSTOP');
  await new Promise((r) => setTimeout(r, 500));
  a.proc.kill('SIGCONT');
  const after = framesFrom(b, aliceId);
  await b.waitForStats((s) => (s.peers.find((x) => x.id === aliceId)?.frames_decoded ?? 0) >= after + 120,
    { ms: 30000, what: '120 more frames from alice after the stop' });

  for (const p of [b, c, a]) p.proc.kill('SIGINT');
  const [rb, rc, ra] = await Promise.all([b.done, c.done, a.done]);
  for (const r of [ra, rb, rc]) assert.ok(r.report, `${r.name} wrote a report` + explain(r));

  const at = (r, id) => {
    const p = r.report.peers.find((x) => x.id === id);
    assert.ok(p, `${r.name} reports ${id}` + explain(r));
    console.log(`${r.name} <- ${id}: ${JSON.stringify(p.audio)}`);
    return p.audio;
  };
  const fromAlice = at(rb, aliceId);
  assert.equal(fromAlice.tone_ok, true, 'alice\'s tone is the one her id gives' + explain(rb));
  assert.ok(fromAlice.gaps >= 1, `alice's half-second stop is a gap (${fromAlice.gaps})` + explain(rb));
  assert.ok(fromAlice.av_sync_ms, 'sync from alice\'s marks and stamps' + explain(rb));
  assert.ok(Math.abs(fromAlice.av_sync_ms.p50) <= 40,
    `alice's audio within 40 ms of her video on loopback: ${JSON.stringify(fromAlice.av_sync_ms)}` + explain(rb));

  const fromCarol = at(rb, carolId);
  assert.equal(fromCarol.tone_ok, false, 'a 1000 Hz tone is not carol\'s' + explain(rb));
  assert.equal(fromCarol.av_sync_ms, null, 'carol has no marks and no stamps');

  // Carol was never stopped: Bob's tone reached her whole, but for what a loaded machine
  // loses (a packet late at the jitter buffer is a real 20 ms hole: no concealment).
  const fromBob = at(rc, bobId);
  assert.equal(fromBob.tone_ok, true, 'bob\'s tone is his' + explain(rc));
  assert.ok(fromBob.gaps <= 2, `bob's tone ran without gaps (${fromBob.gaps})` + explain(rc));
  assert.equal(fromBob.av_sync_ms, null, 'bob does not stamp his video' + explain(rc));
  // Alice was: the half second she missed of Bob's tone is a gap to her.
  assert.ok(at(ra, bobId).gaps >= 1, 'alice missed some of bob\'s tone' + explain(ra));
  console.log('audio quality from the test tone: ok');
} finally {
  for (const p of peers) { try { p.proc.kill('SIGCONT'); } catch {} }
  await server.stop();
}
