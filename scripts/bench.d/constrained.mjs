// scripts/bench's "constrained link" table (issue #12): a roompeer pair and a headless Chromium
// pair on the reference page, one after the other, on the same impaired link (tests/netshape:
// one member's link limited each way, random loss each way), at 240x240 and 640x480, 400 kbit/s
// and 1 Mbit/s, 0 % and 2 % loss. Each call starts on a clear link; once both sides decode, the
// link is impaired, the call settles, and a window measures per direction: decoded fps, freeze
// time, and the bytes both sides sent; roompeer also its glass-to-glass p95 (--latency-probe).
//
// The impaired member: roompeer b uses --ice-address 127.0.0.2 (netshape set 127.0.0.2);
// Chromium only gathers 127.0.0.1, so page a is named by the UDP port of its selected
// candidate (netshape set udp:PORT).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../tests/integration/lib.mjs';

const NETSHAPE = join(ROOT, 'tests', 'netshape');

export function constrainedRows(quick) {
  const rows = [];
  for (const size of ['240x240', '640x480']) {
    for (const kbps of [400, 1000]) {
      for (const loss of [0, 2]) rows.push({ size, kbps, loss });
    }
  }
  // --quick: two rows that cover both sizes, both rates and both loss settings.
  return quick ? [rows[1], rows[6]] : rows;
}

function netshape(...args) {
  const r = spawnSync(NETSHAPE, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tests/netshape ${args.join(' ')} failed: ${r.stderr}`);
}

// W3C webrtc-stats' freeze rule on inter-frame gaps: a gap over max(3 × mean, mean + 150 ms).
// `progress` is [{t (s), frames}] sampled every 0.1 s: a gap is the time between two samples that
// saw new frames (so up to 0.1 s too long).
export function freezeMs(progress) {
  if (progress.length < 2) return null;
  const frames = progress.at(-1).frames - progress[0].frames;
  const secs = progress.at(-1).t - progress[0].t;
  if (frames <= 0) return secs * 1000;
  const mean = secs / frames;
  const limit = Math.max(3 * mean, mean + 0.15);
  let total = 0;
  let last = progress[0];
  for (const p of progress.slice(1)) {
    if (p.frames === last.frames) continue;
    const gap = p.t - last.t - (p.frames - last.frames - 1) * mean;
    if (gap > limit) total += gap;
    last = p;
  }
  const tail = progress.at(-1).t - last.t;
  if (tail > limit) total += tail;
  return total * 1000;
}

const statsLines = (path) => (existsSync(path) ? readFileSync(path, 'utf8') : '').split('\n')
  .filter((l) => l.trim()).map((l) => { try { return JSON.parse(l); } catch { return null; } })
  .filter(Boolean);

// h: {server, peer(name, args, opts), waitFirstFrames(p), stopPeer(p), browser(server, room,
// name), closeBrowser(b), setCamera(c), sleep, progress, round, fps, settleS, windowS, work}
async function roompeerRow(h, row, i) {
  const room = `constrained-rp-${i}`;
  const args = ['--room', room, '--video-size', row.size, '--fps', String(h.fps), '--latency-probe',
    '--stats-interval', '0.1'];
  const statsPath = (n) => join(h.work, `${n}.constrained.jsonl`);
  const a = h.peer(`cl-a-${i}`, [...args, '--stats', statsPath(`cl-a-${i}`)]);
  let b = null;
  try {
    await a.selfId();
    b = h.peer(`cl-b-${i}`, [...args, '--stats', statsPath(`cl-b-${i}`)], { iceAddress: '127.0.0.2' });
    await h.waitFirstFrames(a);
    await h.waitFirstFrames(b);
    netshape('set', '127.0.0.2', '--up', String(row.kbps), '--down', String(row.kbps), '--loss', String(row.loss));
    await h.sleep(h.settleS * 1000);
    const from = Date.now() / 1000;
    await h.sleep(h.windowS * 1000);
    const to = Date.now() / 1000;
    netshape('clear', '127.0.0.2');
    const results = [await h.stopPeer(a), await h.stopPeer(b)];
    const dirs = [a, b].map((p, k) => {
      const lines = statsLines(statsPath(p.name)).filter((l) => l.time && l.peers?.length);
      const win = lines.filter((l) => {
        const t = Date.parse(l.time) / 1000;
        return t >= from && t <= to;
      });
      if (win.length < 2) throw new Error(`constrained ${row.size}: ${p.name} wrote no --stats lines in the window`);
      const progress = win.map((l) => ({ t: l.uptime_s, frames: l.peers[0].frames_decoded }));
      const secs = progress.at(-1).t - progress[0].t;
      // roompeer's own freeze time (the W3C rule on every decoded frame, as Chromium's
      // totalFreezesDuration), over the window; the frame counter sampled every 0.1 s only
      // where a build has no such figure.
      const frozen = win.map((l) => l.peers[0].video?.total_freeze_ms);
      const ownFreezeMs = frozen.every((x) => typeof x === 'number') ? frozen.at(-1) - frozen[0] : null;
      const lat = results[k].report?.peers?.[0]?.video?.latency_ms;
      return {
        receiver: p.name,
        fps: h.round((progress.at(-1).frames - progress[0].frames) / secs, 1),
        freeze_ms: h.round(ownFreezeMs ?? freezeMs(progress)),
        polled_freeze_ms: h.round(freezeMs(progress)),
        sent_kbps: h.round(((win.at(-1).peers[0].bytes_sent - win[0].peers[0].bytes_sent) * 8) / secs / 1000),
        repaired: win.at(-1).peers[0].packets_repaired ?? null,
        latency_p95_ms: lat?.p95 ?? null,
        window_s: h.round(secs, 2),
      };
    });
    return summarize(dirs, true);
  } finally {
    try { netshape('clear', '127.0.0.2'); } catch {}
    for (const p of [a, b]) if (p && p.proc.exitCode === null && p.proc.signalCode === null) p.proc.kill('SIGKILL');
  }
}

// The page's figures for its call to `peerId`.
const pageFigures = (b, peerId) => b.page.evaluate(async (id) => {
  const pc = window.roompeer.peers[id];
  if (!pc) return null;
  const out = { t: performance.now() / 1000, frames: 0, freezeS: 0, bytesSent: 0, port: null };
  const report = await pc.getStats();
  report.forEach((r) => {
    if (r.type === 'inbound-rtp' && r.kind === 'video') {
      out.frames += r.framesDecoded || 0;
      out.freezeS += r.totalFreezesDuration || 0;
    }
    if (r.type === 'outbound-rtp') out.bytesSent += r.bytesSent || 0;
    if (r.type === 'candidate-pair' && r.nominated && r.state === 'succeeded') {
      out.port = report.get(r.localCandidateId)?.port ?? null;
    }
  });
  return out;
}, peerId);

async function chromiumRow(h, row, i) {
  const [width, height] = row.size.split('x').map(Number);
  const room = `constrained-chromium-${i}`;
  const bs = [];
  let shaped = null;
  h.setCamera({ width, height, fps: h.fps });
  try {
    bs.push(await h.browser(h.server, room, `cl-chrome-a-${i}`));
    bs.push(await h.browser(h.server, room, `cl-chrome-b-${i}`));
    const other = (x) => (x === bs[0] ? bs[1] : bs[0]).selfId;
    for (const x of bs) {
      await x.waitFor((s) => s[other(x)]?.video.framesDecoded > 0, 60000, 'first frame from the other page');
    }
    const port = (await pageFigures(bs[0], other(bs[0])))?.port;
    if (!port) throw new Error(`constrained ${row.size}: page a has no selected candidate pair${bs[0].explain()}`);
    shaped = `udp:${port}`;
    netshape('set', shaped, '--up', String(row.kbps), '--down', String(row.kbps), '--loss', String(row.loss));
    await h.sleep(h.settleS * 1000);
    const before = await Promise.all(bs.map((x) => pageFigures(x, other(x))));
    await h.sleep(h.windowS * 1000);
    const after = await Promise.all(bs.map((x) => pageFigures(x, other(x))));
    const dirs = bs.map((x, k) => {
      const [s0, s1] = [before[k], after[k]];
      if (!s0 || !s1) throw new Error(`constrained ${row.size}: page ${x.name} lost its call${x.explain()}`);
      const secs = s1.t - s0.t;
      return {
        receiver: x.name,
        fps: h.round((s1.frames - s0.frames) / secs, 1),
        freeze_ms: h.round((s1.freezeS - s0.freezeS) * 1000),
        sent_kbps: h.round(((s1.bytesSent - s0.bytesSent) * 8) / secs / 1000),
        latency_p95_ms: null,
        window_s: h.round(secs, 2),
      };
    });
    return summarize(dirs, false);
  } finally {
    if (shaped) try { netshape('clear', shaped); } catch {}
    h.setCamera(null);
    for (const x of bs) await h.closeBrowser(x);
  }
}

// A row's headline is its worse direction: the lower fps, the longer freeze time; bytes sent by
// both sides.
function summarize(dirs, latency) {
  return {
    fps: Math.min(...dirs.map((d) => d.fps)),
    freeze_ms: Math.max(...dirs.map((d) => d.freeze_ms)),
    polled_freeze_ms: dirs.every((d) => d.polled_freeze_ms != null)
      ? Math.max(...dirs.map((d) => d.polled_freeze_ms)) : null,
    latency_p95_ms: latency && dirs.every((d) => d.latency_p95_ms != null)
      ? Math.max(...dirs.map((d) => d.latency_p95_ms)) : null,
    sent_kbps: dirs.reduce((s, d) => s + d.sent_kbps, 0),
    directions: dirs,
  };
}

export async function benchConstrained(h) {
  const out = [];
  const rows = constrainedRows(h.quick);
  for (const [i, row] of rows.entries()) {
    const name = `${row.size}, ${row.kbps} kbit/s, ${row.loss} % loss`;
    h.progress(`5. constrained link ${i + 1}/${rows.length} (${name}): roompeer pair`);
    const roompeer = await roompeerRow(h, row, i);
    await h.sleep(1000);
    h.progress(`5. constrained link ${i + 1}/${rows.length} (${name}): Chromium pair`);
    const chromium = await chromiumRow(h, row, i);
    await h.sleep(1000);
    const met = roompeer.fps >= chromium.fps && roompeer.freeze_ms <= chromium.freeze_ms;
    h.progress(`constrained ${name}: fps roompeer ${roompeer.fps} / Chromium ${chromium.fps}, freeze ms ` +
      `${roompeer.freeze_ms} / ${chromium.freeze_ms}, kbit/s sent ${roompeer.sent_kbps} / ${chromium.sent_kbps}`);
    out.push({ ...row, roompeer, chromium, met });
  }
  return out;
}

export function constrainedMarkdown(rows, { fps, settleS, windowS }) {
  const fmt = (x, d = 0) => (x == null ? 'n/a' : Number(x).toFixed(d));
  const L = [];
  L.push(`**Constrained link** (issue #12): one member's link limited to the rate each way with random ` +
    `loss each way (tests/netshape), from a clear start; ${settleS} s to settle, then a ${windowS} s window. ` +
    'Worse direction for fps and freeze time; kbit/s sent by both sides together (RTP payload).');
  L.push('');
  L.push('| size | link | loss | parties | decoded fps | freeze ms | glass-to-glass p95 ms | kbit/s sent | roompeer ≥ Chromium |');
  L.push('|---|---:|---:|---|---:|---:|---:|---:|---|');
  // roompeer's freeze time by the frame counter polled every 0.1 s, when it differs.
  const polled = (x) => (x.polled_freeze_ms != null && x.polled_freeze_ms !== x.freeze_ms
    ? ` (polled ${fmt(x.polled_freeze_ms)})` : '');
  for (const r of rows) {
    const line = (name, x, met) => L.push(`| ${r.size}@${fps} | ${r.kbps} kbit/s | ${r.loss} % | ${name} | ` +
      `${fmt(x.fps, 1)} | ${fmt(x.freeze_ms)}${polled(x)} | ${x.latency_p95_ms == null ? '—' : fmt(x.latency_p95_ms)} | ` +
      `${fmt(x.sent_kbps)} | ${met} |`);
    line('roompeer pair', r.roompeer, r.met ? 'yes' : 'no');
    line('Chromium pair', r.chromium, '');
  }
  L.push('');
  L.push('Freeze time: each side\'s own figure over the window, by the same W3C rule (an inter-frame gap over ' +
    'max(3 × mean, mean + 150 ms), on every decoded frame): Chromium\'s `totalFreezesDuration`, roompeer\'s ' +
    '`video.total_freeze_ms` (its `--stats` lines). In parentheses, the same rule on roompeer\'s frame counter ' +
    'sampled every 0.1 s (`--stats-interval 0.1`), which counts a late pair of frames as a freeze: what ' +
    'earlier tables showed. roompeer\'s glass-to-glass p95 is over its whole call.');
  return L.join('\n');
}
