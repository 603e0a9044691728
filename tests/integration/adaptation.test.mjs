// Congestion control of the shared encoder (issue #12). (a) A sender on a 500 kbit/s link each
// way with 2 % loss (tests/netshape): its target for the call drops under the link, the
// receiver keeps decoding >= 20 fps with few freezes and glass-to-glass p95 <= 250 ms; when the
// limit is lifted the target climbs back to >= 80 % of --video-bitrate (issue: within 10 s).
// (b) One member on a thin link and two on a clear one: the sender gives the thin one the low
// layer and the others keep >= 25 fps at full size.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, startPeer, waitForJoin, ROOT, assert, explain } from './lib.mjs';

const BITRATE = 800;
const THIN = '127.0.0.2';
const netshape = (...args) => {
  const r = spawnSync(join(ROOT, 'tests', 'netshape'), args, { encoding: 'utf8' });
  assert.equal(r.status, 0, `netshape ${args.join(' ')}: ${r.stderr}`);
};
const common = ['--video-size', '640x480', '--fps', '30', '--video-bitrate', String(BITRATE), '--sink', 'fake'];
const peerOf = (line, id) => line?.peers?.find((p) => p.id === id);
const stop = async (...peers) => {
  for (const p of peers) p.proc.kill('SIGTERM');
  return Promise.all(peers.map((p) => p.done));
};
// Mean of fps_in over the --stats lines written in [from, to] (uptime seconds) for `id`.
const meanFps = (lines, id, from, to) => {
  const v = lines.filter((l) => l.uptime_s >= from && l.uptime_s <= to)
    .map((l) => peerOf(l, id)?.fps_in).filter((x) => typeof x === 'number');
  assert.ok(v.length >= 4, `too few fps samples: ${v}`);
  return v.reduce((a, b) => a + b, 0) / v.length;
};
const allStats = (p) => readFileSync(p.statsPath, 'utf8').split('\n').filter((l) => l.trim())
  .map((l) => { try { return JSON.parse(l); } catch { return null; } }).filter(Boolean);

const server = await startServer();
try {
  // ---- (a) a thin, lossy link, then a clear one ------------------------------------------
  netshape('set', THIN, '--up', '500', '--down', '500', '--loss', '2');
  // Both send the stamped picture (--latency-probe): glass-to-glass latency and lost frames.
  // The receiver keeps the default --latency (50 ms): a longer jitter buffer waits longer for
  // each lost packet, and on this link the retransmission mostly comes too late anyway (the
  // queues it waits in): with 150 ms, 5-6 freezes of 180-230 ms in a 20 s call, with the same
  // PSNR; README, Performance.
  const probe = ['--latency-probe'];
  const rx = startPeer('rx', ['--server', server.url, '--room', 'thin', ...common, ...probe], { stats: true });
  const rxId = await waitForJoin(server, rx, 'thin');
  const tx = startPeer('tx', ['--server', server.url, '--room', 'thin', '-v', ...common, ...probe],
    { stats: true, iceAddress: THIN });
  const txId = await waitForJoin(server, tx, 'thin');
  await rx.waitForLog(/: first video frame/, 20000);
  // The estimate goes under the link and stays there.
  const cut = await tx.waitForStats((l) => (peerOf(l, rxId)?.video?.target_kbps ?? Infinity) < 500,
    { ms: 25000, what: 'target_kbps under 500 on a 500 kbit/s link' });
  // Measured over 10 s once it has had 5 s to settle (each process's own uptime).
  const rxFrom = rx.stats().uptime_s + 5;
  const txFrom = tx.stats().uptime_s + 5;
  await rx.waitForStats((l) => l.uptime_s >= rxFrom + 10, { ms: 20000, what: '15 s of the thin call' });
  await tx.waitForStats((l) => l.uptime_s >= txFrom + 10, { ms: 5000, what: '15 s of the thin call' });
  const thinFps = meanFps(allStats(rx), txId, rxFrom, rxFrom + 10);
  const targets = allStats(tx).filter((l) => l.uptime_s >= txFrom && l.uptime_s <= txFrom + 10)
    .map((l) => peerOf(l, rxId)?.video?.target_kbps).filter((x) => typeof x === 'number');
  const thinTarget = targets.reduce((a, b) => a + b, 0) / targets.length;
  console.log(`thin link: target ${peerOf(cut, rxId).video.target_kbps} first, then ${Math.min(...targets)}..${Math.max(...targets)} ` +
    `(mean ${thinTarget.toFixed(0)}) kbit/s, receiver ${thinFps.toFixed(1)} fps`);
  assert.ok(thinFps >= 20, `receiver decoded ${thinFps.toFixed(1)} fps on the thin link`);
  assert.ok(thinTarget < 500, `target ${thinTarget} kbit/s on a 500 kbit/s link`);
  // Alone, the member stays on the full encoding, unless its link cannot carry a quarter of
  // the ceiling: then fewer pixels beat a picture that falls apart (LayerPlanner).
  const alone = peerOf(tx.stats(), rxId).video;
  // (LayerPlanner: down under kAloneLowShare 0.25 of the ceiling or 0.03 bits per pixel,
  // whichever is more, up again at 1.6 times that.)
  const aloneUp = Math.max(0.25 * BITRATE, 0.03 * 640 * 480 * 30 / 1000) * 1.6;
  assert.ok(alone.layer === 'full' || thinTarget < aloneUp,
    `alone on ${alone.layer} at ${alone.target_kbps} kbit/s (mean ${thinTarget.toFixed(0)} on the thin link)`);

  netshape('lift', THIN);  // the queue drains: nothing is dropped on the way
  const cleared = tx.stats().uptime_s;
  if (process.env.VERBOSE) console.log(`cleared at ${new Date().toISOString()}`);
  const back = await tx.waitForStats((l) => (peerOf(l, rxId)?.video?.target_kbps ?? 0) >= 0.8 * BITRATE,
    { ms: 12000, what: `target_kbps back to >= ${0.8 * BITRATE}` });
  const took = back.uptime_s - cleared;
  console.log(`cleared: target ${peerOf(back, rxId).video.target_kbps} kbit/s after ${took.toFixed(1)} s`);
  // Issue 12's bound. Measured 5 to 9 s in 16 local runs (the stats lines come every 0.5 s)
  // since a move up waits 6 s at most and a refused one goes back at once (README:
  // Performance); before, 4 to 10 s, and up to 11 on a loaded machine.
  assert.ok(took <= 10, `target took ${took.toFixed(1)} s to climb back`);

  const [rxEnd, txEnd] = await stop(rx, tx);
  for (const r of [rxEnd, txEnd]) assert.ok(r.report, 'no report' + explain(r));
  const seen = rxEnd.report.peers.find((p) => p.id === txId);
  assert.ok(seen, 'the receiver reports the sender' + explain(rxEnd));
  const sent = txEnd.report.peers.find((p) => p.id === rxId);
  assert.equal(sent.video.layer, 'full', explain(txEnd));
  assert.ok(sent.video.target_kbps >= 0.8 * BITRATE, explain(txEnd));
  // Receive-side figures (other branches): asserted once the report has them.
  // The receiver's own figures over the whole call (thin, then cleared).
  assert.ok(seen.video.fps >= 20, `report fps ${seen.video.fps}` + explain(rxEnd));
  const callMs = (seen.video.frames_decoded / seen.video.fps) * 1000;
  console.log(`receiver: ${seen.video.fps} fps, ${seen.video.freeze_count} freezes (${seen.video.total_freeze_ms} ms of ${callMs.toFixed(0)}), ` +
    `glass-to-glass ${JSON.stringify(seen.video.latency_ms)}, psnr ${JSON.stringify(seen.video.psnr_db)}`);
  // Issue 12 asks for <= 2 % of the call, and the test holds that since VP8 keyframes are
  // capped (max-intra-bitrate): 0 to 0.98 % in 8 local runs (one freeze of 188 to 252 ms, or
  // none). Before: 0 to 2.2 % in 12 runs with transport-wide feedback every 100 ms, 0 to
  // 6.4 % in 21 runs before that; README, Performance.
  assert.ok(seen.video.total_freeze_ms <= 0.02 * callMs,
    `froze ${seen.video.total_freeze_ms} ms of ${callMs.toFixed(0)}` + explain(rxEnd));
  // Glass-to-glass over the whole call, thin and cleared (issue 12: p95 <= 250 ms); measured
  // 77 to 133 ms in 12 local runs.
  assert.ok(seen.video.latency_ms?.p95 <= 250,
    `glass-to-glass ${JSON.stringify(seen.video.latency_ms)}` + explain(rxEnd));



  // ---- (b) one thin member among clear ones ----------------------------------------------
  netshape('set', THIN, '--up', '300', '--down', '300');
  const src = startPeer('src', ['--server', server.url, '--room', 'mixed', '-v', ...common], { stats: true });
  const srcId = await waitForJoin(server, src, 'mixed');
  // The members only watch (two cores for four processes): what is measured is src's sending.
  const watch = ['--video', 'none', '--audio', 'none'];
  const thin = startPeer('thin', ['--server', server.url, '--room', 'mixed', ...common, ...watch], { stats: true, iceAddress: THIN });
  const thinId = await waitForJoin(server, thin, 'mixed');
  const c1 = startPeer('c1', ['--server', server.url, '--room', 'mixed', ...common, ...watch], { stats: true });
  const c1Id = await waitForJoin(server, c1, 'mixed');
  const c2 = startPeer('c2', ['--server', server.url, '--room', 'mixed', ...common, ...watch], { stats: true });
  const c2Id = await waitForJoin(server, c2, 'mixed');
  const split = await src.waitForStats((l) => peerOf(l, thinId)?.video?.layer === 'low' &&
    peerOf(l, c1Id)?.video?.layer === 'full' && peerOf(l, c2Id)?.video?.layer === 'full',
  { ms: 30000, what: 'thin on low, c1 and c2 on full' });
  console.log('layers:', split.peers.map((p) => `${p.id === thinId ? 'thin' : p.id}=${p.video?.layer}/${p.video?.target_kbps}`).join(' '));
  const t0 = c1.stats().uptime_s;
  await c1.waitForStats((l) => l.uptime_s >= t0 + 6, { ms: 10000, what: '6 s with the low layer' });
  await c2.waitForStats((l) => l.uptime_s >= c2.stats().uptime_s - 0.1, { ms: 2000 });
  const f1 = meanFps(allStats(c1), srcId, t0, t0 + 6);
  const c2Lines = allStats(c2);
  const c2t = c2Lines[c2Lines.length - 1].uptime_s;
  const f2 = meanFps(c2Lines, srcId, c2t - 6, c2t);
  const thinLines = allStats(thin);
  const tt = thinLines[thinLines.length - 1].uptime_s;
  const fThin = meanFps(thinLines, srcId, tt - 6, tt);
  console.log(`clear members decode ${f1.toFixed(1)} and ${f2.toFixed(1)} fps, the thin one ${fThin.toFixed(1)}`);
  assert.equal(peerOf(src.stats(), thinId).video.layer, 'low');
  const ends = await stop(src, thin, c1, c2);
  for (const r of ends) assert.ok(r.report, 'no report' + explain(r));
  assert.ok(f1 >= 25 && f2 >= 25, `clear members decoded ${f1.toFixed(1)} and ${f2.toFixed(1)} fps`);
  for (const r of ends.slice(2)) {
    const p = r.report.peers.find((x) => x.id === srcId);
    assert.equal(p.video.width, 640, explain(r));
    assert.equal(p.video.height, 480, explain(r));
  }
  // The switch to the low encoding keeps the thin member's picture going.
  assert.ok(fThin >= 15, `the thin member decoded ${fThin.toFixed(1)} fps on the low layer`);
} finally {
  spawnSync(join(ROOT, 'tests', 'netshape'), ['clear', THIN]);
  await server.stop();
}
