// Issue 13, section 2: --echo-cancel cuts an echo of the far end by at least 10 dB.
// Far plays a 700 Hz tone. Near plays what it receives (its mixed output, --audio-out file:)
// and its "microphone" is that output 40 ms later: the test-only ROOMPEER_TEST_ECHO_LOOP tees
// the mixed output through a 40 ms queue into an interaudiosink channel, and Near's
// --audio-pipeline captures from it with interaudiosrc, as a microphone in front of a
// loudspeaker would. Far writes what it receives from Near; the 700 Hz level there is the
// echo. Run once without and once with --echo-cancel on Near; the difference is printed.
import { join } from 'node:path';
import { startServer, startPeer, waitForJoin, assert, explain, tmp } from './lib.mjs';
import { readWav, toneAmplitude, rmsDb } from './wav.mjs';

const kFar = 700;
const kNeed = 10;  // dB
const server = await startServer();
const peers = [];
const dir = tmp();
const buffersFrom = (s, id) => s.peers.find((x) => x.id === id)?.audio_buffers_decoded ?? 0;

// The far end's 700 Hz level in what it received from Near, in dBFS: the median of 100 ms
// windows over the 3 s that end 1 s before the file does (Near's leaving is after that).
function echoLevel(wav) {
  const n = wav.rate / 10;
  const end = wav.samples.length - wav.rate;
  const amps = [];
  for (let from = end - 3 * wav.rate; from + n <= end; from += n)
    amps.push(toneAmplitude(wav.samples, Math.max(0, from), n, kFar, wav.rate));
  amps.sort((x, y) => x - y);
  return { tone: 20 * Math.log10(amps[Math.floor(amps.length / 2)] + 1e-9),
    rms: rmsDb(wav.samples, end - 3 * wav.rate, end) };
}

async function run(room, echoCancel) {
  const farWav = join(dir, `${room}-far.wav`);
  const far = startPeer(`far-${room}`, ['--server', server.url, '--room', room, '--duration', '60',
    '--video', 'none', '--sink', 'fake', '--audio-out', `file:${farWav}`,
    '--audio-pipeline', `audiotestsrc is-live=true wave=sine freq=${kFar} volume=0.3`], { stats: true });
  peers.push(far);
  await waitForJoin(server, far, room);
  const channel = `rp-echo-${room}`;
  const near = startPeer(`near-${room}`, ['--server', server.url, '--room', room, '--duration', '60',
    '--video', 'none', '--sink', 'fake', '--audio-out', `file:${join(dir, `${room}-near.wav`)}`,
    '--audio-pipeline', `interaudiosrc channel=${channel}`, ...(echoCancel ? ['--echo-cancel'] : [])],
  { stats: true, env: { ROOMPEER_TEST_ECHO_LOOP: channel } });
  peers.push(near);
  await near.waitForLog(/test echo loop into interaudio channel/);
  const nearId = await waitForJoin(server, near, room);
  // Twelve seconds of Near's audio at Far (Opus: 50 buffers a second): time for the canceller
  // to converge, and three seconds to measure.
  await far.waitForStats((s) => buffersFrom(s, nearId) >= 600, { ms: 40000, what: '12 s of near\'s audio' });
  far.proc.kill('SIGINT');
  const rf = await far.done;
  assert.equal(rf.code, 0, 'far exits 0' + explain(rf));
  near.proc.kill('SIGINT');
  const rn = await near.done;
  assert.equal(rn.code, 0, 'near exits 0' + explain(rn));
  if (echoCancel) assert.match(rn.stderr, /echo cancellation on/, 'near runs the canceller' + explain(rn));
  const wav = readWav(farWav);
  assert.ok(wav.finalized, 'far\'s WAV is finalized');
  assert.ok(wav.samples.length >= 6 * wav.rate, `far recorded 6 s or more (${wav.samples.length / wav.rate} s)`);
  const level = echoLevel(wav);
  return { db: level.tone, rms: level.rms, rf, rn };
}

try {
  const plain = await run('echo-off', false);
  console.log(`echo of the far end's ${kFar} Hz tone without --echo-cancel: ${plain.db.toFixed(1)} dBFS ` +
    `(all of the returned signal: ${plain.rms.toFixed(1)} dBFS RMS)`);
  // Without cancellation the echo is the far end's own tone, back (amplitude 0.3: -10.5 dBFS).
  assert.ok(plain.db > -25, `without --echo-cancel the echo is loud (${plain.db.toFixed(1)} dBFS)` + explain(plain.rn));
  const cancelled = await run('echo-on', true);
  console.log(`echo of the far end's ${kFar} Hz tone with --echo-cancel: ${cancelled.db.toFixed(1)} dBFS ` +
    `(all of the returned signal: ${cancelled.rms.toFixed(1)} dBFS RMS)`);
  const cut = plain.db - cancelled.db;
  console.log(`audio-echo: --echo-cancel cuts the echo by ${cut.toFixed(1)} dB (need >= ${kNeed} dB)`);
  assert.ok(cut >= kNeed, `--echo-cancel cuts the echo by ${cut.toFixed(1)} dB, need ${kNeed}` + explain(cancelled.rn));
} finally {
  for (const p of peers) p.proc.kill('SIGKILL');
  await server.stop();
}
