// A full mesh of two headless Chromium members and two roompeer processes in one room,
// joining alternately (roompeer, browser, roompeer, browser; each newcomer calls everyone
// already there). Every member decodes >= 60 video frames and receives audio from each of
// the other three; roompeer sees the browsers' 240x240 cameras and the other roompeer's
// 640x480 test pattern.
import {
  startServer, startPeer, waitForJoin, launchBrowser, runUntilBothDecoded, stopPeers, browserFirstFrameMs,
  explain, assert,
} from './lib.mjs';

const room = 'mesh';
const frames = 60;
const server = await startServer();
const browsers = [];
const peers = [];
const t0 = Date.now();
const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
const peerArgs = ['--server', server.url, '--room', room, '--expect-peers', '3',
  '--expect-frames', String(frames), '-v'];
try {
  peers.push(startPeer('roompeer-1', peerArgs, { stats: true }));
  await waitForJoin(server, peers[0], room, 20000);
  browsers.push(await launchBrowser(server, { room, name: 'chrome-1' }));
  console.log(`[${elapsed()}] chrome-1 joined as ${browsers[0].selfId}`);
  peers.push(startPeer('roompeer-2', peerArgs, { stats: true }));
  await waitForJoin(server, peers[1], room, 20000);
  browsers.push(await launchBrowser(server, { room, name: 'chrome-2' }));
  console.log(`[${elapsed()}] chrome-2 joined as ${browsers[1].selfId}`);

  // Each browser: three members, each decoded and heard.
  const stats = [];
  for (const b of browsers) stats.push(await runUntilBothDecoded(b, peers, frames, elapsed, { members: 3 }));
  // Refresh the first browser's view (it was taken before the second one finished).
  stats[0] = await browsers[0].stats();
  const results = await stopPeers(peers, { members: 3, frames });
  console.log(`[${elapsed()}] roompeers exited ${results.map((r) => r.code).join(', ')}`);
  const why = () => results.map(explain).join('') + browsers.map((b) => b.explain()).join('');

  const ids = {
    browsers: browsers.map((b) => b.selfId),
    peers: results.map((r) => r.report?.self_id),
  };
  for (const r of results) {
    assert.equal(r.code, 0, `${r.name} should pass` + why());
    assert.ok(r.report, `${r.name} wrote no report` + why());
    const others = [...ids.browsers, ...ids.peers.filter((id) => id !== r.report.self_id)];
    for (const id of others) {
      const p = r.report.peers.find((x) => x.id === id);
      assert.ok(p, `${r.name} has no peer ${id}` + why());
      assert.ok(p.video.frames_decoded >= frames, `${r.name} decoded ${p.video.frames_decoded} frames from ${id}` + why());
      assert.ok(p.audio.buffers_decoded > 0, `${r.name} decoded no audio from ${id}` + why());
      const [w, h] = ids.browsers.includes(id) ? [240, 240] : [640, 480];
      assert.equal(p.video.width, w, `${r.name}: width of ${id}` + why());
      assert.equal(p.video.height, h, `${r.name}: height of ${id}` + why());
    }
  }
  browsers.forEach((b, i) => {
    const others = [...ids.peers, ...ids.browsers.filter((id) => id !== b.selfId)];
    for (const id of others) {
      const s = stats[i][id];
      assert.ok(s, `browser ${b.name} has no connection to ${id}` + why());
      assert.ok(s.video.framesDecoded >= frames, `browser ${b.name} decoded ${s.video.framesDecoded} frames from ${id}` + why());
      assert.ok(s.audio.bytesReceived > 0, `browser ${b.name} received no audio from ${id}` + why());
    }
  });

  // Measurements, not assertions.
  for (const [i, b] of browsers.entries()) {
    for (const r of results) {
      const ms = browserFirstFrameMs(b, stats[i], r.report.self_id);
      console.log(`time: browser ${b.name} join -> first frame from ${r.name}: ${ms == null ? 'n/a' : ms + ' ms'}`);
    }
  }
  for (const r of results) {
    for (const b of browsers) {
      const p = r.report.peers.find((x) => x.id === b.selfId);
      console.log(`time: ${r.name} start -> first frame from browser ${b.name}: ${Math.round(p.first_video_frame_ms)} ms`);
      console.log(`${r.name} decoded ${p.video.frames_decoded} frames and ${p.audio.buffers_decoded} audio buffers from ${b.name}`);
    }
  }
  console.log('mesh of 2 browsers and 2 roompeers: every member decodes the other three: ok');
} finally {
  for (const b of browsers) await b.close();
  for (const p of peers) if (p.proc.exitCode === null && p.proc.signalCode === null) p.proc.kill('SIGKILL');
  await server.stop();
}
