// scripts/bench, inside a loopback-only network namespace (scripts/bench starts it through
// tests/integration/netns-run). Measures roompeer against headless Chromium on the reference
// room server's page and against the bare codec (gst-launch-1.0, no WebRTC), one
// configuration after the other in one run, and prints a markdown table on stdout and the
// numbers as JSON (--out FILE, default build/bench.json). Progress goes to stderr.
//
// Usage: node bench.mjs [--quick] [--constrained] [--out FILE]
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync, rmSync, readFileSync } from 'node:fs';
import { cpus, loadavg, release } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { startServer, startPeer, sleep, tmp, ROOT, ROOMPEER } from '../../tests/integration/lib.mjs';
import { launchBrowser, CHROMIUM } from '../../tests/browser/lib.mjs';
import { Monitor, childrenMatching } from './procstat.mjs';
import { benchConstrained, constrainedMarkdown } from './constrained.mjs';


// ---- options ------------------------------------------------------------------------------
const argv = process.argv.slice(2);
let quick = false;
let constrainedOnly = false;
let out = join(ROOT, 'build', 'bench.json');
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--quick') quick = true;
  else if (a === '--constrained') constrainedOnly = true;
  else if (a === '--out' && i + 1 < argv.length) out = resolve(argv[++i]);
  else if (a.startsWith('--out=')) out = resolve(a.slice(6));
  else {
    process.stderr.write(`scripts/bench: error: unknown argument '${a}' (see scripts/bench --help)\n`);
    process.exit(2);
  }
}

const P = quick
  ? { setupRuns: 2, callSeconds: 6, latencySeconds: 6, fanoutSeconds: 4, warmup: true }
  : { setupRuns: 5, callSeconds: 30, latencySeconds: 30, fanoutSeconds: 10, warmup: true };
P.sampleMs = 200;
P.settleMs = 1000;       // after the call is up (first frames both ways), before the CPU window
P.fanoutReceivers = [1, 2, 4];
P.sizes = ['640x480', '240x240'];
P.fps = 30;
P.constrainedSettleS = quick ? 2 : 5;   // impaired link, before the window
P.constrainedWindowS = quick ? 4 : 10;

// The floor: the codec alone, same settings as roompeer's test source and encoder, no WebRTC.
// Source pattern as roompeer's --video test (the encoder's cost depends on the picture).
const floorPipeline = (w, h) => [
  'videotestsrc', 'is-live=true', 'pattern=ball', 'motion=sweep', 'background-color=0xff204080', '!',
  `video/x-raw,format=I420,width=${w},height=${h},framerate=${P.fps}/1`, '!',
  'vp8enc', 'deadline=1', 'cpu-used=8', 'lag-in-frames=0', 'end-usage=cbr', 'threads=1',
  'target-bitrate=800000', 'keyframe-max-dist=60', '!', 'vp8dec', '!', 'fakesink',
  'audiotestsrc', 'is-live=true', 'wave=sine', 'freq=440', 'volume=0.2', '!', 'audioconvert', '!',
  'audioresample', '!', 'audio/x-raw,rate=48000,channels=2', '!',
  'opusenc', 'bitrate=48000', 'frame-size=20', '!', 'opusdec', '!', 'fakesink',
];

// ---- helpers ------------------------------------------------------------------------------
const t0 = Date.now();
let stage = 'start';
const progress = (msg) => process.stderr.write(`[bench ${((Date.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${msg}\n`);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n === 0 ? null : n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};
const round = (x, d = 0) => (x == null || !Number.isFinite(x) ? null : Math.round(x * 10 ** d) / 10 ** d);
const alive = (proc) => proc.exitCode === null && proc.signalCode === null;
const work = tmp('roompeer-bench-');

const help = spawnSync(ROOMPEER, ['--help'], { encoding: 'utf8' });
if (help.status !== 0) throw new Error(`${ROOMPEER} --help failed: ${help.stderr}`);
const hasLatencyProbe = /--latency-probe\b/.test(help.stdout);

// A roompeer process (integration helpers: --ice-address 127.0.0.1 --stun none --report).
let serverUrl = null;
function peer(name, args, opts = {}) {
  const p = startPeer(name, ['--server', serverUrl, '--sink', 'fake', ...args], { dir: work, ...opts });
  p.spawnedAt = Date.now();
  p.selfId = async () => {
    await p.waitForLog(/joined room '[^']*' as \S+/, 30000);
    return p.stderr().match(/joined room '[^']*' as (\S+)/)[1];
  };
  return p;
}

// Number of "first video frame" lines a roompeer has logged.
const firstFrames = (p) => (p.stderr().match(/: first video frame/g) ?? []).length;

async function waitFirstFrames(p, n = 1, ms = 60000) {
  const t = Date.now();
  while (firstFrames(p) < n) {
    if (!alive(p.proc)) throw new Error(`${p.name} exited (code ${p.proc.exitCode}) before decoding video\n${p.stderr()}`);
    if (Date.now() - t > ms) throw new Error(`${p.name} decoded no video from ${n} member(s) within ${ms} ms\n${p.stderr()}`);
    await sleep(50);
  }
}

// SIGINT (leave the room, write the report), SIGKILL after 20 s; returns the result.
async function stopPeer(p) {
  if (alive(p.proc)) p.proc.kill('SIGINT');
  const killer = setTimeout(() => { if (alive(p.proc)) p.proc.kill('SIGKILL'); }, 20000);
  const r = await p.done;
  clearTimeout(killer);
  return r;
}

// Wall clock of the first "first video frame" log line ("HH:MM:SS.mmm I peer X: first video
// frame", UTC), in Date.now() terms, near `near`.
function firstFrameLogTime(stderr, near) {
  const m = stderr.match(/^(\d\d):(\d\d):(\d\d)\.(\d{3}) .*: first video frame/m);
  if (!m) return null;
  const d = new Date(near);
  let t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), +m[1], +m[2], +m[3], +m[4]);
  if (t < near - 12 * 3600e3) t += 24 * 3600e3;
  if (t > near + 12 * 3600e3) t -= 24 * 3600e3;
  return t;
}

// playwright-core as tests/browser/lib.mjs imports it (same module instance), so that the
// call measurements can set the fake camera's size and frame rate of launchBrowser()'s
// Chromium: --use-fake-device-for-media-stream=fps=N and getUserMedia constraints replaced
// by an init script (the reference page asks for 240x240).
const { chromium } = await import(new URL('../../tests/browser/node_modules/playwright-core/index.mjs', import.meta.url));
let camera = null;  // {width, height, fps} or null: the page's own request, Chromium's default rate
let launches = 0;
const launchPersistentContext = chromium.launchPersistentContext;
chromium.launchPersistentContext = async function (dir, opts) {
  launches += 1;
  const o = { ...opts };
  if (camera) {
    o.args = o.args.map((a) => (a === '--use-fake-device-for-media-stream' ? `${a}=fps=${camera.fps}` : a));
  }
  const context = await launchPersistentContext.call(this, dir, o);
  if (camera) {
    await context.addInitScript(({ width, height, fps }) => {
      const md = navigator.mediaDevices;
      if (!md || !md.getUserMedia) return;
      const gum = md.getUserMedia.bind(md);
      md.getUserMedia = (c = {}) => gum(c.video
        ? { ...c, video: { width: { exact: width }, height: { exact: height }, frameRate: { ideal: fps } } }
        : c);
    }, camera);
  }
  return context;
};

const browsers = new Set();
async function browser(server, room, name) {
  const b = await launchBrowser(server, { room, name });
  browsers.add(b);
  return b;
}
async function closeBrowser(b) {
  browsers.delete(b);
  await b.close();
}

const gstProcs = new Set();
process.on('exit', () => { for (const p of gstProcs) { try { p.kill('SIGKILL'); } catch {} } });

function gstLaunch(args) {
  const proc = spawn('gst-launch-1.0', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  gstProcs.add(proc);
  let log = '';
  proc.stdout.on('data', (d) => { log += d; });
  proc.stderr.on('data', (d) => { log += d; });
  const done = new Promise((r) => proc.on('exit', (code, signal) => { gstProcs.delete(proc); r({ code, signal }); }));
  return { proc, done, log: () => log };
}

// ---- 1. call setup ------------------------------------------------------------------------
// A roompeer host waits in a fresh room; then a roompeer joins (its report's
// first_video_frame_ms: process start to its first decoded frame from the host; and the same
// from our spawn() to the wall clock of its "first video frame" log line), leaves, and a
// headless Chromium joins (launch to its first decoded frame from the host, from the page's
// stats: performance.timeOrigin + firstFrameMs, which the page polls every 100 ms).
// The two joiners alternate who goes first.
async function setupRound(server, i, order) {
  const room = `setup-${i}`;
  const host = peer(`setup-host-${i}`, ['--room', room]);
  const hostId = await host.selfId();
  const r = {};
  try {
    for (const who of order) {
      if (who === 'roompeer') {
        const start = Date.now();
        const j = peer(`setup-join-${i}`, ['--room', room]);
        await waitFirstFrames(j);
        const res = await stopPeer(j);
        const p = res.report?.peers.find((x) => x.id === hostId);
        if (!p || typeof p.first_video_frame_ms !== 'number') {
          throw new Error(`setup: roompeer joiner reported no first_video_frame_ms for the host\n${res.stderr}`);
        }
        r.roompeer = p.first_video_frame_ms;
        const logged = firstFrameLogTime(res.stderr, start);
        r.roompeerFromSpawn = logged == null ? null : logged - j.spawnedAt;
      } else {
        const start = Date.now();
        const b = await browser(server, room, `setup-chrome-${i}`);
        try {
          const s = await b.waitFor((st) => st[hostId]?.firstFrameMs != null && st, 60000, 'first frame from the host');
          r.chromium = b.timeOrigin + s[hostId].firstFrameMs - start;
          r.chromiumFromJoin = s[hostId].firstFrameMs - b.joinedMs;
        } finally {
          await closeBrowser(b);
        }
      }
      await sleep(300);
    }
  } finally {
    await stopPeer(host);
  }
  return r;
}

async function benchSetup(server) {
  if (P.warmup) {
    progress('setup: warm-up round (not counted)');
    await setupRound(server, 'warmup', ['roompeer', 'chromium']);
  }
  const rounds = [];
  for (let i = 0; i < P.setupRuns; i++) {
    const order = i % 2 ? ['chromium', 'roompeer'] : ['roompeer', 'chromium'];
    const r = await setupRound(server, i, order);
    progress(`setup ${i + 1}/${P.setupRuns}: roompeer ${r.roompeer} ms (from spawn ${r.roompeerFromSpawn} ms), ` +
      `Chromium ${Math.round(r.chromium)} ms`);
    rounds.push(r);
  }
  const col = (k) => rounds.map((r) => round(r[k]));
  return {
    runs: P.setupRuns,
    roompeer: { samples_ms: col('roompeer'), median_ms: median(col('roompeer')) },
    roompeer_from_spawn: { samples_ms: col('roompeerFromSpawn'), median_ms: median(col('roompeerFromSpawn')) },
    chromium: { samples_ms: col('chromium'), median_ms: median(col('chromium')) },
    chromium_from_join: { samples_ms: col('chromiumFromJoin'), median_ms: median(col('chromiumFromJoin')) },
  };
}

// ---- 2. two-party calls ---------------------------------------------------------------------
// Each: start the two parties with a Monitor sampling their process trees (peak PSS from
// the first process on), wait until both decode video from each other, settle, then the CPU
// window of P.callSeconds.
function summary(mon, win) {
  const m = mon.stop();
  return {
    cpu_s: round(win.cpuSeconds, 2),
    window_s: round(win.wallSeconds, 2),
    peak_pss_mb: round(m.peakPssMb, 1),
    processes: m.maxProcs,
    commands: m.commands,
    pss_samples: m.samples,
  };
}

async function callRoompeer(server, size) {
  const room = `call-roompeer-${size}`;
  const args = ['--room', room, '--video-size', size, '--fps', String(P.fps)];
  const ps = [];
  const mon = new Monitor(() => ps.map((p) => p.proc.pid), { intervalMs: P.sampleMs }).start();
  try {
    ps.push(peer(`call-a-${size}`, args));
    await ps[0].selfId();
    ps.push(peer(`call-b-${size}`, args));
    for (const p of ps) await waitFirstFrames(p);
    await sleep(P.settleMs);
    mon.beginWindow();
    await sleep(P.callSeconds * 1000);
    const win = mon.endWindow();
    const results = await Promise.all(ps.map(async (p) => ({ ...(await stopPeer(p)), exitedAt: Date.now() })));
    const res = summary(mon, win);
    // Frames decoded over the whole call (first frame to exit): an average, not the window's.
    res.received = results.map((r, i) => {
      const p = r.report?.peers?.[0];
      if (!p) throw new Error(`call ${size}: ${r.name} reported no peer\n${r.stderr}`);
      const secs = (r.exitedAt - ps[i].spawnedAt - (p.first_video_frame_ms ?? 0)) / 1000;
      return { size: `${p.video.width}x${p.video.height}`, fps: round(p.video.frames_decoded / secs, 1),
        frames_decoded: p.video.frames_decoded };
    });
    return res;
  } finally {
    mon.stop();
    for (const p of ps) if (alive(p.proc)) p.proc.kill('SIGKILL');
  }
}

async function callChromium(server, size) {
  const [width, height] = size.split('x').map(Number);
  const room = `call-chromium-${size}`;
  const bs = [];
  const mon = new Monitor((procs) => childrenMatching(process.pid, /^chrom/i, procs), { intervalMs: P.sampleMs }).start();
  camera = { width, height, fps: P.fps };
  try {
    bs.push(await browser(server, room, `chrome-a-${size}`));
    bs.push(await browser(server, room, `chrome-b-${size}`));
    const [a, b] = bs;
    const other = new Map([[a, b.selfId], [b, a.selfId]]);
    for (const x of bs) {
      await x.waitFor((s) => s[other.get(x)]?.video.framesDecoded > 0, 60000, 'first frame from the other page');
    }
    await sleep(P.settleMs);
    const before = await Promise.all(bs.map((x) => x.stats()));
    mon.beginWindow();
    await sleep(P.callSeconds * 1000);
    const win = mon.endWindow();
    const after = await Promise.all(bs.map((x) => x.stats()));
    const res = summary(mon, win);
    res.received = bs.map((x, i) => {
      const s0 = before[i][other.get(x)];
      const s1 = after[i][other.get(x)];
      if (!s1) throw new Error(`call ${size}: browser ${x.name} lost its connection${x.explain()}`);
      return { size: `${s1.video.frameWidth}x${s1.video.frameHeight}`,
        fps: round((s1.video.framesDecoded - s0.video.framesDecoded) / win.wallSeconds, 1) };
    });
    res.camera = `${width}x${height}@${P.fps} (fake device, getUserMedia constraints set by the bench)`;
    return res;
  } finally {
    camera = null;
    mon.stop();
    for (const x of bs) await closeBrowser(x);
  }
}

async function callFloor(size) {
  const [w, h] = size.split('x').map(Number);
  const gs = [];
  const mon = new Monitor(() => gs.map((g) => g.proc.pid), { intervalMs: P.sampleMs }).start();
  try {
    for (let i = 0; i < 2; i++) gs.push(gstLaunch(floorPipeline(w, h)));
    const t = Date.now();
    for (const g of gs) {
      while (!/Setting pipeline to PLAYING/.test(g.log())) {
        if (!alive(g.proc)) throw new Error(`gst-launch-1.0 failed (${g.proc.exitCode}):\n${g.log()}`);
        if (Date.now() - t > 20000) throw new Error(`gst-launch-1.0 did not start within 20 s:\n${g.log()}`);
        await sleep(50);
      }
    }
    await sleep(P.settleMs);
    mon.beginWindow();
    await sleep(P.callSeconds * 1000);
    const win = mon.endWindow();
    for (const g of gs) {
      if (!alive(g.proc)) throw new Error(`gst-launch-1.0 exited during the measurement:\n${g.log()}`);
    }
    const res = summary(mon, win);
    res.pipeline = `gst-launch-1.0 ${floorPipeline(w, h).join(' ')}`;
    return res;
  } finally {
    mon.stop();
    for (const g of gs) if (alive(g.proc)) g.proc.kill('SIGINT');
    await Promise.all(gs.map((g) => Promise.race([g.done, sleep(5000).then(() => g.proc.kill('SIGKILL'))])));
  }
}

// ---- 3. latency (the probe) -----------------------------------------------------------------
async function benchLatency() {
  if (!hasLatencyProbe) {
    return { p50_ms: null, p95_ms: null, max_ms: null, samples: null,
      note: 'n/a (roompeer has no --latency-probe yet)' };
  }
  const room = 'latency';
  const args = ['--room', room, '--video-size', '640x480', '--fps', String(P.fps), '--latency-probe'];
  const a = peer('latency-a', args);
  let b = null;
  try {
    await a.selfId();
    b = peer('latency-b', args);
    await waitFirstFrames(a);
    await waitFirstFrames(b);
    await sleep(P.latencySeconds * 1000);
    const results = [await stopPeer(a), await stopPeer(b)];
    const directions = results.map((r) => {
      const l = r.report?.peers?.[0]?.video?.latency_ms;
      if (!l || typeof l.p50 !== 'number') {
        throw new Error(`latency: ${r.name}'s report has no peers[].video.latency_ms\n${r.stderr}`);
      }
      return { receiver: r.name, p50_ms: l.p50, p95_ms: l.p95, max_ms: l.max, samples: l.samples };
    });
    // The worse direction is the headline.
    const worst = directions.reduce((x, y) => (y.p50_ms > x.p50_ms ? y : x));
    return { p50_ms: worst.p50_ms, p95_ms: Math.max(...directions.map((d) => d.p95_ms)),
      max_ms: Math.max(...directions.map((d) => d.max_ms)),
      samples: directions.reduce((s, d) => s + d.samples, 0), directions };
  } finally {
    for (const p of [a, b]) if (p && alive(p.proc)) p.proc.kill('SIGKILL');
  }
}

// ---- 4. fan-out ---------------------------------------------------------------------------
// One sender (test video 640x480@30 and audio), N receive-only roompeers (--video none
// --audio none); the sender's CPU over P.fanoutSeconds once every receiver decodes.
async function fanout(n) {
  const room = `fanout-${n}`;
  const sender = peer(`fanout-sender-${n}`, ['--room', room, '--video-size', '640x480', '--fps', String(P.fps)]);
  const rs = [];
  const mon = new Monitor(() => [sender.proc.pid], { intervalMs: P.sampleMs }).start();
  try {
    await sender.selfId();
    for (let i = 0; i < n; i++) rs.push(peer(`fanout-recv-${n}-${i}`, ['--room', room, '--video', 'none', '--audio', 'none']));
    for (const r of rs) await waitFirstFrames(r);
    await sleep(P.settleMs);
    mon.beginWindow();
    await sleep(P.fanoutSeconds * 1000);
    const win = mon.endWindow();
    const m = mon.stop();
    const results = await Promise.all([sender, ...rs].map(stopPeer));
    const s = results[0].report;
    const connected = s?.peers?.filter((p) => p.state !== 'failed').length ?? 0;
    return { receivers: n, sender_cpu_s: round(win.cpuSeconds, 2), window_s: round(win.wallSeconds, 2),
      sender_cpu_s_per_10s: round(win.cpuSeconds * 10 / win.wallSeconds, 2),
      sender_peak_pss_mb: round(m.peakPssMb, 1), sender_peers_in_report: connected };
  } finally {
    mon.stop();
    for (const p of [sender, ...rs]) if (alive(p.proc)) p.proc.kill('SIGKILL');
  }
}

// ---- machine ------------------------------------------------------------------------------
function firstLine(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return r.status === 0 ? (r.stdout || '').trim().split('\n')[0] : null;
}
function machine() {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const model = cpuinfo.match(/^model name\s*:\s*(.*)$/m)?.[1]?.trim() ?? cpus()[0]?.model ?? 'unknown';
  const commit = firstLine('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD']);
  const dirty = spawnSync('git', ['-C', ROOT, 'diff', '--quiet', 'HEAD'], { encoding: 'utf8' }).status === 1;
  return {
    nproc: Number(firstLine('nproc', [])) || cpus().length,
    cpu_model: model,
    kernel: release(),
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    roompeer: `${firstLine(ROOMPEER, ['--version']) ?? '?'} (${commit ?? '?'}${dirty ? ', uncommitted changes' : ''})`,
    chromium: firstLine(CHROMIUM, ['--version']) ?? '?',
    gstreamer: firstLine('gst-launch-1.0', ['--version']) ?? '?',
    loadavg_start: loadavg().map((x) => round(x, 2)),
  };
}

// ---- report -------------------------------------------------------------------------------
function ratios(r) {
  const div = (a, b) => (a == null || b == null || b === 0 ? null : round(a / b, 3));
  const per = (f) => Object.fromEntries(P.sizes.map((s) => [s, f(r.calls[s])]));
  const f1 = r.fanout.find((x) => x.receivers === 1);
  const f4 = r.fanout.find((x) => x.receivers === 4);
  return {
    setup_speedup_vs_chromium: div(r.setup.chromium.median_ms, r.setup.roompeer.median_ms),
    setup_speedup_vs_chromium_from_spawn: div(r.setup.chromium.median_ms, r.setup.roompeer_from_spawn.median_ms),
    cpu_vs_floor: per((c) => div(c.roompeer.cpu_s, c.floor.cpu_s)),
    cpu_vs_chromium: per((c) => div(c.roompeer.cpu_s, c.chromium.cpu_s)),
    memory_vs_chromium: per((c) => div(c.roompeer.peak_pss_mb, c.chromium.peak_pss_mb)),
    fanout_4_vs_1: div(f4.sender_cpu_s_per_10s, f1.sender_cpu_s_per_10s),
  };
}

function targets(r) {
  const t = [];
  const add = (what, value, limit, unit = '') => t.push({ what, value, unit, target: `≤ ${limit}${unit}`,
    met: value == null ? null : value <= limit });
  add('setup median, roompeer (first_video_frame_ms)', r.setup.roompeer.median_ms, 300, ' ms');
  add('setup median, roompeer (from spawn)', r.setup.roompeer_from_spawn.median_ms, 300, ' ms');
  t.push({ what: 'setup speedup vs Chromium (first_video_frame_ms)', value: r.ratios.setup_speedup_vs_chromium,
    unit: '×', target: '≥ 5×', met: r.ratios.setup_speedup_vs_chromium == null ? null : r.ratios.setup_speedup_vs_chromium >= 5 });
  t.push({ what: 'setup speedup vs Chromium (from spawn)', value: r.ratios.setup_speedup_vs_chromium_from_spawn,
    unit: '×', target: '≥ 5×', met: r.ratios.setup_speedup_vs_chromium_from_spawn == null ? null
      : r.ratios.setup_speedup_vs_chromium_from_spawn >= 5 });
  add('latency p50 at 640x480@30', r.latency.p50_ms, 60, ' ms');
  for (const s of P.sizes) {
    add(`CPU roompeer / floor, ${s}`, r.ratios.cpu_vs_floor[s], 1.3);
    add(`CPU roompeer / Chromium, ${s}`, r.ratios.cpu_vs_chromium[s], round(1 / 3, 3));
    add(`memory roompeer / Chromium, ${s}`, r.ratios.memory_vs_chromium[s], 0.1);
  }
  add('fan-out: sender CPU 4 receivers / 1', r.ratios.fanout_4_vs_1, 1.5);
  constrainedTarget(t, r);
  return t;
}

// Issue #12: roompeer at or above Chromium on fps and at or below it on freezes, every row.
function constrainedTarget(t, r) {
  const met = r.constrained.filter((x) => x.met).length;
  t.push({ what: 'constrained link: roompeer ≥ Chromium on fps and ≤ on freeze time', value: met,
    unit: ` of ${r.constrained.length} rows`, target: 'every row', met: met === r.constrained.length });
}

function machineLines(r, L) {
  const m = r.machine;
  L.push(`Machine: ${m.nproc} × ${m.cpu_model}, Linux ${m.kernel}, ${m.date}; load average at start ` +
    `${m.loadavg_start.join(' ')}, at end ${m.loadavg_end.join(' ')}.  `);
  L.push(`${m.roompeer}; ${m.chromium}; ${m.gstreamer}. Everything on loopback in one network namespace, ` +
    'one configuration at a time.');
}

const constrainedOptions = () => ({ fps: P.fps, settleS: P.constrainedSettleS, windowS: P.constrainedWindowS });

function constrainedOnlyMarkdown(r) {
  const L = [`### roompeer benchmark: constrained link${r.quick ? ' (--quick: short runs, not for quoting)' : ''}`, ''];
  machineLines(r, L);
  L.push('');
  L.push(constrainedMarkdown(r.constrained, constrainedOptions()));
  L.push('');
  const t = [];
  constrainedTarget(t, r);
  L.push(`Goal: ${t[0].what}: ${t[0].value}${t[0].unit} (${t[0].met ? 'met' : 'not met'}).`);
  return L.join('\n');
}

function markdown(r) {
  const fmt = (x, d = 0) => (x == null ? 'n/a' : Number(x).toFixed(d));
  const L = [];
  L.push(`### roompeer benchmark${r.quick ? ' (--quick: short runs, not for quoting)' : ''}`);
  L.push('');
  machineLines(r, L);
  L.push('');
  L.push(`**Call setup**: joining process start → first decoded video frame from a roompeer already in the ` +
    `room; median of ${r.setup.runs} (after one warm-up round).`);
  L.push('');
  L.push('| joiner | median ms | runs ms |');
  L.push('|---|---:|---|');
  const row = (name, x) => L.push(`| ${name} | ${fmt(x.median_ms)} | ${x.samples_ms.map((v) => fmt(v)).join(', ')} |`);
  row('roompeer (report `first_video_frame_ms`)', r.setup.roompeer);
  row('roompeer (spawn → "first video frame" log line)', r.setup.roompeer_from_spawn);
  row('headless Chromium (launch → first frame, page stats)', r.setup.chromium);
  row('↳ of which Chromium page join → first frame', r.setup.chromium_from_join);
  L.push('');
  L.push(`**Two-party call**, ${P.callSeconds} s window once both sides decode: CPU seconds of both parties ` +
    '(utime+stime of every process), peak PSS summed over all processes (sampled every 200 ms from launch).');
  L.push('');
  L.push('| size | parties | CPU s | CPU % of one core | peak PSS MB | processes | received (each side) |');
  L.push('|---|---|---:|---:|---:|---:|---|');
  for (const s of P.sizes) {
    const c = r.calls[s];
    const line = (name, x) => L.push(`| ${s}@${P.fps} | ${name} | ${fmt(x.cpu_s, 2)} | ` +
      `${fmt(100 * x.cpu_s / x.window_s, 0)} | ${fmt(x.peak_pss_mb, 1)} | ${x.processes} | ` +
      `${x.received ? x.received.map((v) => `${v.size} ${fmt(v.fps, 1)} fps`).join('; ') : '—'} |`);
    line('roompeer pair', c.roompeer);
    line('Chromium pair (2 browsers)', c.chromium);
    line('floor: gst-launch ×2 (vp8enc→vp8dec, opusenc→opusdec)', c.floor);
  }
  L.push('');
  L.push(`**Glass-to-glass latency**, two roompeers, 640x480@${P.fps}: ` +
    (r.latency.p50_ms == null ? r.latency.note
      : `p50 ${fmt(r.latency.p50_ms)} ms, p95 ${fmt(r.latency.p95_ms)} ms, max ${fmt(r.latency.max_ms)} ms ` +
        `(${r.latency.samples} samples, worse direction)`) + '.');
  L.push('');
  L.push(`**Fan-out**: one roompeer sender (640x480@${P.fps} + audio), N receive-only roompeers; ` +
    `sender CPU over ${P.fanoutSeconds} s.`);
  L.push('');
  L.push('| receivers | sender CPU s per 10 s | sender peak PSS MB |');
  L.push('|---:|---:|---:|');
  for (const f of r.fanout) L.push(`| ${f.receivers} | ${fmt(f.sender_cpu_s_per_10s, 2)} | ${fmt(f.sender_peak_pss_mb, 1)} |`);
  L.push('');
  L.push(constrainedMarkdown(r.constrained, constrainedOptions()));
  L.push('');
  L.push('**Targets** (issue 5, and issue #12 for the constrained link)');
  L.push('');
  L.push('| measure | value | target | met |');
  L.push('|---|---:|---|---|');
  for (const t of r.targets) {
    const v = t.value == null ? 'n/a' : t.unit.startsWith(' of ') ? `${t.value}${t.unit}` : t.unit === ' ms' ? `${fmt(t.value)} ms` : t.unit === '×' ? `${fmt(t.value, 2)}×` : fmt(t.value, 3);
    L.push(`| ${t.what} | ${v} | ${t.target} | ` +
      `${t.met == null ? 'n/a' : t.met ? 'yes' : 'no'} |`);
  }
  L.push('');
  L.push('Notes: the Chromium pair is two headless Chromium instances, one reference page each; its numbers ' +
    'include every Chromium process (browser, zygotes, renderer, GPU, network, audio/video utility), not the ' +
    'Node/playwright driver; its fake camera is set to the call size with getUserMedia constraints and ' +
    '`--use-fake-device-for-media-stream=fps=30`. Received fps: Chromium over the window (getStats); roompeer ' +
    'frames decoded (report) over the time from its first frame to its exit, which exceeds 30 when frames ' +
    'captured before the first decode arrive late. The page samples its first frame every 100 ms, so ' +
    'Chromium setup times are up to 100 ms late. The floor is the codec alone with roompeer\'s test-source ' +
    'and encoder settings, no RTP, SRTP, ICE or jitter buffer. Latency comes from the receivers\' reports, ' +
    'over the whole call including its start; the headline is the worse direction. The room server is not ' +
    'counted anywhere. Other load on the machine shows in the load averages.');
  return L.join('\n');
}

// ---- main ---------------------------------------------------------------------------------
async function main() {
  const result = { quick, params: { ...P }, machine: machine() };
  progress(`${quick ? 'quick' : 'full'} run; ${result.machine.nproc} × ${result.machine.cpu_model}; ` +
    `roompeer ${ROOMPEER}; latency probe ${hasLatencyProbe ? 'available' : 'not available'}`);
  const server = await startServer();
  serverUrl = server.url;
  const constrained = async () => {
    stage = '5. constrained link';
    result.constrained = await benchConstrained({
      server, peer, waitFirstFrames, stopPeer, browser, closeBrowser, setCamera: (c) => { camera = c; },
      sleep, progress, round, fps: P.fps, settleS: P.constrainedSettleS, windowS: P.constrainedWindowS,
      work, quick,
    });
  };
  try {
    if (constrainedOnly) {
      await constrained();
      return finish(result, constrainedOnlyMarkdown);
    }
    progress(stage = '1. call setup');
    result.setup = await benchSetup(server);

    progress('2. two-party calls');
    result.calls = {};
    for (const size of P.sizes) {
      const c = {};
      progress(stage = `2. call ${size}: roompeer pair`);
      c.roompeer = await callRoompeer(server, size);
      await sleep(1000);
      progress(stage = `2. call ${size}: Chromium pair`);
      c.chromium = await callChromium(server, size);
      await sleep(1000);
      progress(stage = `2. call ${size}: codec floor`);
      c.floor = await callFloor(size);
      await sleep(1000);
      progress(`call ${size}: CPU s roompeer ${c.roompeer.cpu_s}, Chromium ${c.chromium.cpu_s}, floor ${c.floor.cpu_s}; ` +
        `PSS MB ${c.roompeer.peak_pss_mb} / ${c.chromium.peak_pss_mb} / ${c.floor.peak_pss_mb}`);
      result.calls[size] = c;
    }

    progress(stage = '3. latency');
    result.latency = await benchLatency();

    progress(stage = '4. fan-out');
    result.fanout = [];
    for (const n of P.fanoutReceivers) {
      stage = `4. fan-out, ${n} receiver(s)`;
      const f = await fanout(n);
      progress(`fan-out ${n}: sender ${f.sender_cpu_s_per_10s} CPU s per 10 s`);
      result.fanout.push(f);
      await sleep(1000);
    }

    progress('5. constrained link');
    await constrained();
  } finally {
    for (const b of [...browsers]) await closeBrowser(b).catch(() => {});
    await server.stop();
  }
  result.ratios = ratios(result);
  result.targets = targets(result);
  return finish(result, markdown);
}

function finish(result, toMarkdown) {
  if (launches === 0) throw new Error('internal: the playwright-core launch hook was never called');
  result.machine.loadavg_end = loadavg().map((x) => round(x, 2));
  const md = toMarkdown(result);
  result.markdown = md;
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
  process.stdout.write(md + '\n');
  progress(`wrote ${out}`);
}

try {
  await main();
  rmSync(work, { recursive: true, force: true });
  process.exit(0);
} catch (err) {
  process.stderr.write(`scripts/bench: error in ${stage}: ${err.stack || err}\n(logs and reports kept in ${work})\n`);
  for (const b of [...browsers]) await closeBrowser(b).catch(() => {});
  process.exit(1);
}
