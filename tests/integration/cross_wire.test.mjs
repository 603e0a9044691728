// A room server that cross-wires calls (room-server --cross-wire NAME): the receiver "victim"
// gets tx-a's call labelled as tx-c's and the other way round. Both calls connect and flow, so
// frame counts alone would pass; the stamp's sender tag (video.from_expected_sender) and the
// test tone's frequency (audio.tone_ok) must say that the media is someone else's, and an
// --expect on them must fail the run (exit 1). tx-a and tx-c, wired correctly to each other,
// are the control: there the same fields say true.
import { startServer, startPeer, waitForJoin, assert, explain } from './lib.mjs';

const server = await startServer(['--cross-wire', 'victim']);
const peers = [];
const start = (name, args) => {
  const p = startPeer(name, ['--server', server.url, '--room', 'x', '--duration', '60',
    '--video-size', '320x240', ...args], { stats: true });
  peers.push(p);
  return p;
};
try {
  const a = start('tx-a', ['--latency-probe']);
  await waitForJoin(server, a, 'x');
  const c = start('tx-c', ['--latency-probe']);
  await waitForJoin(server, c, 'x');
  const victim = start('victim', ['--video', 'none', '--audio', 'none', '--expect-peers', '2',
    '--expect', 'video.from_expected_sender>=1', '--expect', 'audio.tone_ok>=1']);
  await server.waitForLog(/cross-wired/);
  // The victim decodes both senders; the senders decode each other (the victim sends nothing).
  await Promise.all([
    victim.waitForStats((s) => s.peers.length === 2 && s.peers.every((q) => q.frames_decoded >= 90),
      { ms: 40000, what: '90 frames from each of 2 members' }),
    ...[a, c].map((p) => p.waitForStats((s) => s.peers.some((q) => q.frames_decoded >= 90),
      { ms: 40000, what: '90 frames from the other sender' })),
  ]);

  const ends = [];
  for (const p of [victim, a, c]) { p.proc.kill('SIGINT'); ends.push(await p.done); }
  const [v, ra, rc] = ends;
  assert.equal(v.code, 1, 'the cross-wired receiver fails its expectations' + explain(v));
  assert.equal(v.report.peers.length, 2, explain(v));
  for (const p of v.report.peers) {
    assert.ok(p.video.frames_decoded >= 90, 'the calls flow' + explain(v));
    assert.equal(p.video.from_expected_sender, false, `${p.id}: someone else's frames` + explain(v));
    assert.equal(p.audio.tone_ok, false, `${p.id}: someone else's tone` + explain(v));
    for (const field of ['video.from_expected_sender', 'audio.tone_ok']) {
      assert.ok(v.report.failures.some((f) => f.includes(p.id) && f.includes(field)),
        `failures name ${p.id} and ${field}` + explain(v));
    }
  }
  // The control: tx-a and tx-c see each other's own media.
  for (const r of [ra, rc]) {
    assert.equal(r.code, 0, explain(r));
    const other = r.report.peers.find((p) => p.user?.name !== 'victim' && p.video.frames_decoded > 0);
    assert.ok(other, 'the senders call each other' + explain(r));
    assert.equal(other.video.from_expected_sender, true, explain(r));
    assert.equal(other.audio.tone_ok, true, explain(r));
  }
  console.log('cross-wired calls: from_expected_sender false, tone_ok false, exit 1; control true');
} finally {
  for (const p of peers) if (p.proc.exitCode === null) p.proc.kill('SIGKILL');
  await server.stop();
}
