// scripts/bench --mesh, inside a loopback-only network namespace: how many roompeer members
// one machine holds in a full-mesh room (every member sends to every member). For each N it
// starts one room server and N roompeers at once (640x480@30 VP8 test video + Opus, fake
// sinks), lets the call run WINDOW seconds once every member decodes every other one, stops
// them with SIGTERM and reads their reports: decoded fps of every one of the N*(N-1) directed
// calls (frames_decoded over the time from that call's first frame to the stop) and the CPU
// used by all roompeers together over the window. Prints a markdown table on stdout, the
// numbers as JSON with --out FILE; progress on stderr.
//
// Usage: node mesh.mjs [--sizes 2,3,4,5,6] [--window S] [--video-size WxH] [--out FILE]
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { startServer, startPeer, sleep, tmp } from '../../tests/integration/lib.mjs';
import { readStat, CLK_TCK } from './procstat.mjs';

const argv = process.argv.slice(2);
const opt = { sizes: [2, 3, 4, 5, 6], window: 15, videoSize: '640x480', out: null };
for (let i = 0; i < argv.length; i++) {
  const [key, inline] = argv[i].split(/=(.*)/s);
  const value = () => inline ?? argv[++i];
  if (key === '--sizes') opt.sizes = value().split(',').map(Number);
  else if (key === '--window') opt.window = Number(value());
  else if (key === '--video-size') opt.videoSize = value();
  else if (key === '--out') opt.out = resolve(value());
  else {
    process.stderr.write(`mesh: unknown argument '${argv[i]}'\n`);
    process.exit(2);
  }
}
if (opt.sizes.some((n) => !Number.isInteger(n) || n < 2) || !(opt.window > 0)) {
  process.stderr.write('mesh: --sizes needs integers >= 2 and --window a positive number\n');
  process.exit(2);
}

const FPS = 30;
// A mesh "holds" while every directed call keeps at least this share of the sent frame rate.
const HOLD_SHARE = 0.9;
const t0 = Date.now();
const progress = (msg) => process.stderr.write(`[mesh ${((Date.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${msg}\n`);
const count = (text, re) => (text.match(re) ?? []).length;
const ticksOf = (peers) => peers.reduce((sum, p) => sum + (readStat(p.proc.pid)?.ticks ?? 0), 0);
const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : null;
};

async function runMesh(n) {
  const server = await startServer(['--quiet']);
  const dir = tmp('roompeer-mesh-');
  const spawnedAt = Date.now();
  const peers = [];
  for (let i = 0; i < n; i++) {
    peers.push(startPeer(`m${i}`, ['--server', server.url, '--room', `mesh${n}`, '--video-size',
      opt.videoSize, '--fps', String(FPS), '--sink', 'fake'], { dir }));
  }
  const result = { n, all_up: false, setup_ms: null };
  try {
    // Up: every member logged a first frame from each of the others (or 30 s passed).
    const upBy = Date.now() + 30000;
    while (Date.now() < upBy && !peers.every((p) => count(p.stderr(), /first video frame/g) >= n - 1)) {
      if (peers.some((p) => p.proc.exitCode !== null)) break;
      await sleep(100);
    }
    result.all_up = peers.every((p) => count(p.stderr(), /first video frame/g) >= n - 1);
    result.setup_ms = Date.now() - spawnedAt;
    const ticks0 = ticksOf(peers);
    const w0 = Date.now();
    await sleep(opt.window * 1000);
    const cpuS = (ticksOf(peers) - ticks0) / CLK_TCK;
    const windowS = (Date.now() - w0) / 1000;
    const stoppedAfterMs = Date.now() - spawnedAt;
    for (const p of peers) p.proc.kill('SIGTERM');
    const done = await Promise.all(peers.map((p) => p.done));
    const fps = [];
    let missing = 0;
    for (const r of done) {
      const calls = r.report?.peers ?? [];
      missing += Math.max(0, n - 1 - calls.filter((c) => c.video.frames_decoded > 0).length);
      for (const c of calls) {
        if (c.first_video_frame_ms === null) continue;
        const spanS = (stoppedAfterMs - c.first_video_frame_ms) / 1000;
        if (spanS > 0) fps.push(c.video.frames_decoded / spanS);
      }
    }
    for (let i = 0; i < missing; i++) fps.push(0); // a call that never decoded counts as 0 fps
    Object.assign(result, {
      calls: n * (n - 1),
      fps_min: quantile(fps, 0),
      fps_p10: quantile(fps, 0.1),
      fps_median: quantile(fps, 0.5),
      fps_max: quantile(fps, 1),
      cpu_percent_of_machine: (100 * cpuS) / windowS / cpus().length,
      cpu_s_per_member: cpuS / windowS / n,
      exit_codes: done.map((r) => r.code),
    });
    result.holds = result.all_up && result.fps_min >= HOLD_SHARE * FPS;
  } finally {
    for (const p of peers) if (p.proc.exitCode === null) p.proc.kill('SIGKILL');
    await server.stop();
  }
  return result;
}

const load0 = loadavg();
const results = [];
for (const n of opt.sizes) {
  progress(`N=${n}: ${n} members, ${n * (n - 1)} calls, ${opt.window} s window`);
  const r = await runMesh(n);
  progress(`N=${n}: decoded fps per call min ${r.fps_min?.toFixed(1)} median ${r.fps_median?.toFixed(1)}, ` +
    `CPU ${r.cpu_percent_of_machine?.toFixed(0)} % of the machine${r.holds ? '' : ' (does not hold)'}`);
  results.push(r);
  await sleep(2000); // let the machine settle between sizes
}
const load1 = loadavg();
const limit = results.filter((r) => r.holds).reduce((m, r) => Math.max(m, r.n), 0);

const f1 = (x) => (x === null || x === undefined ? '—' : x.toFixed(1));
const lines = [
  `Machine: ${cpus().length} × ${cpus()[0]?.model.trim()}; load average at start ${load0.map((x) => x.toFixed(2)).join(' ')}, ` +
    `at end ${load1.map((x) => x.toFixed(2)).join(' ')}. ${opt.videoSize}@${FPS} VP8 + Opus, every member sends to every member; ` +
    `${opt.window} s window after all calls decode.`,
  '',
  '| members | calls | decoded fps per call: min | p10 | median | max | CPU % of machine | CPU % of a core per member | holds (every call ≥ ' +
    `${HOLD_SHARE * FPS} fps) |`,
  '|---:|---:|---:|---:|---:|---:|---:|---:|---|',
  ...results.map((r) => `| ${r.n} | ${r.calls ?? r.n * (r.n - 1)} | ${f1(r.fps_min)} | ${f1(r.fps_p10)} | ${f1(r.fps_median)} | ` +
    `${f1(r.fps_max)} | ${r.cpu_percent_of_machine?.toFixed(0)} | ${(100 * r.cpu_s_per_member).toFixed(0)} | ` +
    `${r.holds ? 'yes' : r.all_up ? 'no' : 'no (not all calls came up in 30 s)'} |`),
  '',
  `Mesh limit: ${limit ? `${limit} members` : 'not even 2 members'} (largest N that holds).`,
];
process.stdout.write(lines.join('\n') + '\n');
if (opt.out) {
  writeFileSync(opt.out, JSON.stringify({ video_size: opt.videoSize, fps: FPS, window_s: opt.window,
    hold_share: HOLD_SHARE, load_start: load0, load_end: load1, cpus: cpus().length, limit, results }, null, 2) + '\n');
}
