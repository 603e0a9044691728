// Recordings survive the way processes end. SIGTERM finalizes the file like SIGINT (see
// recording.test.mjs); after SIGKILL at most the last ~2 s are missing and what is there
// decodes from the start.
import { startServer, startPeer, sleep, tmp, assert, explain, countRecorded } from './lib.mjs';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const server = await startServer();
try {
  for (const signal of ['SIGTERM', 'SIGKILL']) {
    const dir = tmp('roompeer-kill-');
    const room = `kill-${signal}`;
    const rec = startPeer('recorder', ['--server', server.url, '--room', room, '--sink', 'fake',
      '--sink', `file:${dir}`, '--video', 'none', '--audio', 'none']);
    await rec.waitForLog(/joined room/);
    const cam = startPeer('camera', ['--server', server.url, '--room', room, '--duration', '30']);
    await rec.waitForLog(/first video frame/, 20000);
    const t0 = Date.now();
    await sleep(5000);
    const recordedMs = Date.now() - t0;
    rec.proc.kill(signal);
    const r = await rec.done;
    cam.proc.kill('SIGTERM');
    await cam.done;
    if (signal === 'SIGTERM') assert.equal(r.code, 0, 'SIGTERM leaves cleanly' + explain(r));
    else assert.equal(r.signal, 'SIGKILL');
    const files = readdirSync(dir).filter((f) => f.endsWith('.mkv'));
    assert.equal(files.length, 1, `one recording, got ${files}` + explain(r));
    const video = countRecorded(join(dir, files[0]), 'video', 'vp8dec');
    assert.equal(video.status, 0, `the file decodes after ${signal}: ` + video.output);
    // 30 fps; allow the last 2 s to be lost.
    const atLeast = Math.floor(30 * (recordedMs / 1000 - 2));
    assert.ok(video.count >= atLeast, `${signal}: ${video.count} frames, expected >= ${atLeast}` + video.output);
    console.log(`${signal}: ${video.count} frames recorded in ${recordedMs} ms decode from the start`);
  }
} finally {
  await server.stop();
}
