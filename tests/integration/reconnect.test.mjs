// The room server dies (SIGKILL) and comes back on the same port. Media that flows keeps
// flowing while it is away; both members reconnect with backoff, join again under new ids,
// end up with exactly one call to each other, and a member joining after the restart gets
// media from both. Run against the reference server, and with --seed-mode (no leave events).
import { startServer, startPeer, sleep, assert, explain } from './lib.mjs';

// Seconds since midnight of the first log line matching `re` (HH:MM:SS.mmm stamps; all
// processes share the clock).
function clockOf(log, re) {
  const line = log.split('\n').find((l) => re.test(l));
  assert.ok(line, `no log line ${re}\n${log}`);
  const [h, m, sec] = line.slice(0, 12).split(':').map(Number);
  return h * 3600 + m * 60 + sec;
}

for (const mode of [[], ['--seed-mode']]) {
  const label = mode.length ? 'seed-mode server' : 'reference server';
  let server = await startServer(mode);
  const port = new URL(server.url).port;
  try {
    const common = ['--server', server.url, '--room', 'restart'];
    const a = startPeer('a', [...common, '--duration', '22']);
    await a.waitForLog(/joined room/);
    const b = startPeer('b', [...common, '--duration', '20']);
    await b.waitForLog(/first video frame/, 20000);
    await a.waitForLog(/first video frame/, 20000);

    // The server stays away until both members noticed (the lost-server line asserted below)
    // and for at least 4 s (the old call must carry media through an outage that long).
    server.proc.kill('SIGKILL');
    const outage = sleep(4000);
    for (const p of [a, b]) await p.waitForLog(/lost the room server/, 15000);
    await outage;
    server = await startServer([...mode, '--port', port]);
    await a.waitForLog(/joined room[^\n]*\n(.|\n)*joined room/, 20000);
    await b.waitForLog(/joined room[^\n]*\n(.|\n)*joined room/, 20000);

    const c = startPeer('c', [...common, '--duration', '8', '--expect-peers', '2', '--expect-frames', '60']);
    const [ra, rb, rc] = await Promise.all([a.done, b.done, c.done]);

    for (const r of [ra, rb]) {
      assert.equal(r.code, 0, `${r.name} should pass` + explain(r));
      assert.match(r.stderr, /lost the room server.*reconnecting in \d+ ms, media keeps flowing/);
      // Old call (closed at the reconnect) + the new call to the other + c.
      assert.equal(r.report.peers.length, 3, `${r.name}: one record per id` + explain(r));
      const [old, ...now] = r.report.peers;
      assert.equal(old.state, 'closed', explain(r));
      // The old call ran from its first frame, through the 4 s outage, to the rejoin: at 30 fps
      // it decoded most of that span's frames, not just those before the server died.
      // The old call ends at the first of the two rejoins (that side closes it).
      const span = Math.min(...[ra, rb].map((x) => clockOf(x.stderr, /closing \(room server reconnected\)/))) -
        clockOf(r.stderr, /first video frame/);
      assert.ok(span >= 4, `${r.name}: the old call lasted ${span} s` + explain(r));
      assert.ok(old.video.frames_decoded >= 0.6 * 30 * span,
        `${r.name}: ${old.video.frames_decoded} frames in ${span.toFixed(1)} s: media stopped with the server` + explain(r));
      for (const p of now) {
        assert.ok(p.video.frames_decoded >= 60, `${r.name}: ${p.id} after the restart` + explain(r));
        assert.ok(p.audio.buffers_decoded > 0, explain(r));
      }
    }
    // After the restart exactly one call between a and b, under their new ids.
    assert.equal(ra.report.peers[1].id, rb.report.self_id, explain(ra));
    assert.equal(rb.report.peers[1].id, ra.report.self_id, explain(rb));
    assert.equal(rc.code, 0, 'the newcomer gets media from both' + explain(rc));
    assert.deepEqual(rc.report.peers.map((p) => p.id).sort(), [ra.report.self_id, rb.report.self_id].sort(), explain(rc));
    console.log(`${label}: old call decoded ${ra.report.peers[0].video.frames_decoded} frames through the outage; ok`);
  } finally {
    await server.stop();
  }
}
