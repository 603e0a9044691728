// A member vanishes without a leave event (SIGKILL, on a server that behaves exactly like the
// seed's: no user_exit, lists never pruned). The others notice from the media side, close
// that call and keep theirs; a newcomer's offer to the ghost times out without holding up
// its other calls.
import { startServer, startPeer, sleep, assert, explain } from './lib.mjs';

const server = await startServer(['--seed-mode']);
try {
  const common = ['--server', server.url, '--room', 'ghosts'];
  const a = startPeer('a', [...common, '--duration', '40']);
  await a.waitForLog(/joined room/);
  const b = startPeer('b', [...common, '--duration', '38']);
  await b.waitForLog(/joined room/);
  const c = startPeer('c', [...common, '--duration', '60']);
  await c.waitForLog(/first video frame(.|\n)*first video frame/, 20000);
  const killedAt = Date.now();
  c.proc.kill('SIGKILL');
  await c.done;
  await a.waitForLog(/no media for 5 s: the member vanished/, 15000);
  await b.waitForLog(/no media for 5 s: the member vanished/, 15000);
  console.log(`a and b noticed c vanish ${Date.now() - killedAt} ms after SIGKILL`);

  // The seed server still lists c: d calls a, b and the ghost.
  const d = startPeer('d', [...common, '--duration', '26', '--expect-frames', '60', '-v']);
  const [ra, rb, rd] = await Promise.all([a.done, b.done, d.done]);
  for (const r of [ra, rb]) {
    assert.equal(r.code, 0, explain(r));
    const ghost = r.report.peers.find((p) => p.end_reason && /vanished/.test(p.end_reason));
    assert.ok(ghost, `${r.name} marks the vanished member` + explain(r));
    assert.equal(ghost.state, 'failed');
    const others = r.report.peers.filter((p) => p !== ghost);
    assert.equal(others.length, 2, explain(r));
    for (const p of others) assert.ok(p.video.frames_decoded >= 60, `${r.name} kept decoding ${p.id}` + explain(r));
  }
  // d: two working calls and one that never got an answer.
  const ghost = rd.report.peers.find((p) => p.end_reason === 'no answer in 20 s');
  assert.ok(ghost, 'the offer to the ghost timed out' + explain(rd));
  const live = rd.report.peers.filter((p) => p !== ghost);
  assert.equal(live.length, 2, explain(rd));
  for (const p of live) {
    assert.ok(p.video.frames_decoded >= 60, explain(rd));
    assert.ok(p.first_video_frame_ms < 10000, 'the ghost did not hold up the other calls' + explain(rd));
  }
  console.log('vanished members are detected and cleaned up: ok');
} finally {
  await server.stop();
}
