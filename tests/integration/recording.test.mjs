// A ~6 s call recorded with --sink file:DIR, ended by SIGINT: the Matroska file is finalized
// and decodes to at least 100 video frames plus audio, without re-encoding.
import { startServer, startPeer, waitForJoin, tmp, assert, explain, countRecorded } from './lib.mjs';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const server = await startServer();
const dir = tmp('roompeer-rec-');
try {
  const rec = startPeer('recorder', ['--server', server.url, '--room', 'rec', '--sink', 'fake',
    '--sink', `file:${dir}`, '--video', 'none', '--audio', 'none'], { stats: true });
  await waitForJoin(server, rec, 'rec');
  // The camera joins second and calls the recorder; the test ends it (--duration is a bound).
  const cam = startPeer('camera', ['--server', server.url, '--room', 'rec', '--duration', '60']);
  // Record ~6 s of media (30 fps video, 50 Opus packets a second): once the recorder has
  // decoded that much, stop it with SIGINT.
  await rec.waitForLog(/first video frame/, 20000);
  const fed = await rec.waitForStats((s) => s.peers.some((p) => p.frames_decoded >= 180 && p.audio_buffers_decoded >= 300),
    { ms: 30000, what: '180 video frames and 300 audio buffers decoded' });
  console.log(`recorder decoded ${fed.peers.map((p) => `${p.frames_decoded} frames, ${p.audio_buffers_decoded} audio buffers`)} ` +
    `after ${fed.uptime_s} s; stopping it`);
  rec.proc.kill('SIGINT');
  const r = await rec.done;
  cam.proc.kill('SIGTERM');
  const rc = await cam.done;
  assert.equal(r.code, 0, 'SIGINT leaves cleanly' + explain(r));
  assert.equal(rc.code, 0, 'SIGTERM leaves cleanly' + explain(rc));
  const files = readdirSync(dir).filter((f) => f.endsWith('.mkv'));
  assert.equal(files.length, 1, `one file per member, got ${files}` + explain(r));
  assert.equal(files[0], `${r.report.peers[0].id}.mkv`);
  const path = join(dir, files[0]);
  console.log(`recording ${path}: ${statSync(path).size} bytes`);
  const video = countRecorded(path, 'video', 'vp8dec');
  assert.equal(video.status, 0, 'the file plays to the end: ' + video.output);
  assert.ok(video.count >= 100, `decoded ${video.count} video frames` + video.output);
  const audio = countRecorded(path, 'audio');
  assert.equal(audio.status, 0, 'audio plays: ' + audio.output);
  assert.ok(audio.count >= 100, `decoded ${audio.count} audio buffers` + audio.output);
  console.log(`recording decodes to ${video.count} video frames and ${audio.count} audio buffers: ok`);
} finally {
  await server.stop();
}
