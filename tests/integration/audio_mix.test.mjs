// Issue 13, section 2: one mixed audio output. Carol (the viewer, no camera, no microphone)
// writes what she plays to a WAV file (--audio-out file:). Alice sends a 600 Hz tone, Bob a
// 1500 Hz one. Bob joins while Alice plays and leaves while she still does: both tones are in
// Carol's output, Bob's only while he was there, and Alice's has no gap from its start to the
// end: neither Bob's joining nor his leaving cut it. The file is finalized on exit.
import { join } from 'node:path';
import { startServer, startPeer, waitForJoin, assert, explain, tmp } from './lib.mjs';
import { readWav, toneTrack } from './wav.mjs';

const kAlice = 600, kBob = 1500;
const server = await startServer();
const peers = [];
const dir = tmp();
const wavPath = join(dir, 'mix.wav');
const start = (name, room, extra) => {
  const p = startPeer(name, ['--server', server.url, '--room', room, '--duration', '60',
    '--video', 'none', ...extra], { stats: true });
  peers.push(p);
  return p;
};
const tone = (hz) => ['--audio-pipeline', `audiotestsrc is-live=true wave=sine freq=${hz} volume=0.3`];
const buffersFrom = (s, id) => s.peers.find((x) => x.id === id)?.audio_buffers_decoded ?? 0;

try {
  const a = start('alice', 'mix', tone(kAlice));
  const aliceId = await waitForJoin(server, a, 'mix');
  const c = start('carol', 'mix', ['--audio', 'none', '--sink', 'fake', '--audio-out', `file:${wavPath}`]);
  await c.waitForLog(/audio out: every member mixed into/);
  await waitForJoin(server, c, 'mix');
  // Two seconds of Alice alone (Opus: 50 buffers a second), then Bob joins.
  await c.waitForStats((s) => buffersFrom(s, aliceId) >= 100, { ms: 30000, what: '2 s of alice\'s audio' });
  const b = start('bob', 'mix', tone(kBob));
  const bobId = await waitForJoin(server, b, 'mix');
  const st = await c.waitForStats((s) => buffersFrom(s, bobId) >= 150, { ms: 30000, what: '3 s of bob\'s audio' });
  const aliceBefore = buffersFrom(st, aliceId);
  b.proc.kill('SIGINT');
  const rb = await b.done;
  assert.equal(rb.code, 0, 'bob left cleanly' + explain(rb));
  await c.waitForLog(new RegExp(`peer ${bobId}: (left|closing)`), 15000);
  // Two more seconds of Alice alone after Bob left.
  await c.waitForStats((s) => buffersFrom(s, aliceId) >= aliceBefore + 150,
    { ms: 30000, what: 'alice\'s audio after bob left' });
  c.proc.kill('SIGINT');
  const rc = await c.done;
  assert.equal(rc.code, 0, 'carol exits 0' + explain(rc));
  assert.match(rc.stderr, /audio out: .*mix\.wav finalized/, 'the WAV file was finalized' + explain(rc));
  a.proc.kill('SIGINT');
  await a.done;

  const wav = readWav(wavPath);
  assert.ok(wav.finalized, `the WAV header gives the file's size (data ${wav.dataBytes} bytes)`);
  assert.equal(wav.rate, 48000);
  const track = toneTrack(wav, [kAlice, kBob], 20);
  const seconds = (n) => (n * 0.02).toFixed(2);
  const present = 0.05;  // amplitude 0.3 sent; silence and the other tone stay far below
  const aliceOn = track.map(([x]) => x > present);
  const bobOn = track.map(([, y]) => y > present);
  const firstAlice = aliceOn.indexOf(true);
  const lastAlice = aliceOn.lastIndexOf(true);
  const firstBob = bobOn.indexOf(true);
  const lastBob = bobOn.lastIndexOf(true);
  console.log(`mix.wav: ${seconds(track.length)} s; alice ${seconds(firstAlice)}..${seconds(lastAlice)} s, ` +
    `bob ${seconds(firstBob)}..${seconds(lastBob)} s (20 ms windows, tone amplitude > ${present})`);
  assert.ok(firstAlice >= 0, 'alice\'s tone is in the mix');
  assert.ok(firstBob >= 0, 'bob\'s tone is in the mix');
  const bobWindows = bobOn.filter(Boolean).length;
  assert.ok(bobWindows >= 100, `bob's tone for at least 2 s (${seconds(bobWindows)} s)`);
  assert.ok(firstBob > firstAlice + 50, 'bob came after alice');
  assert.ok(lastBob < lastAlice - 50, `bob's tone ended (at ${seconds(lastBob)} s) before alice's (${seconds(lastAlice)} s)`);
  // Alice's tone, from its start to the last window before Carol stopped: no gap at all.
  const gaps = [];
  for (let i = firstAlice; i <= lastAlice; i++) if (!aliceOn[i]) gaps.push(seconds(i));
  console.log(`alice's tone: ${gaps.length} silent 20 ms windows between ${seconds(firstAlice)} and ` +
    `${seconds(lastAlice)} s (bob joined at ~${seconds(firstBob)} s, left at ~${seconds(lastBob)} s)` +
    (gaps.length ? `: at ${gaps.slice(0, 20).join(', ')} s` : ''));
  assert.equal(gaps.length, 0, 'alice\'s tone never stops while bob joins and leaves' + explain(rc));
  assert.ok(track.length - lastAlice < 25, 'alice\'s tone lasts until carol stops');
  console.log('audio-mix: both tones mixed into one output; a member joining or leaving cut no one');
} finally {
  for (const p of peers) p.proc.kill('SIGKILL');
  await server.stop();
}
