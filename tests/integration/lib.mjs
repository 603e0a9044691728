// Helpers shared by the integration tests: a room server, roompeer processes, reports.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

const here = dirname(fileURLToPath(import.meta.url));
export const ROOT = join(here, '..', '..');
export const ROOMPEER = process.env.ROOMPEER ?? join(ROOT, 'build', 'src', 'roompeer');
export const ROOM_SERVER = join(ROOT, 'scripts', 'room-server', 'room-server');
export const NODE_MODULES = join(ROOT, 'scripts', 'room-server', 'node_modules');

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const tmp = (prefix = 'roompeer-test-') => mkdtempSync(join(tmpdir(), prefix));
export const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// The one way the tests wait for something a process logs: resolves with the `count`-th
// match of `re` in the growing text `text()`. Rejects after `ms` (an upper bound, not a
// pause: it returns as soon as the line is there), or once `ended()` returns why the writer
// is gone (then no more lines can come). `what` names the writer in the error.
export async function waitForLine(text, re, { ms = 15000, count = 1, what = 'the process', ended = () => null } = {}) {
  const all = new RegExp(re.source, re.flags.includes('g') ? re.flags : re.flags + 'g');
  const times = count > 1 ? ` ${count} times` : '';
  const t0 = Date.now();
  for (;;) {
    const matches = [...text().matchAll(all)];
    if (matches.length >= count) return matches[count - 1];
    const gone = ended();
    if (gone) throw new Error(`${what} ${gone} before logging ${re}${times} (${matches.length} so far)\n${text()}`);
    if (Date.now() - t0 > ms) throw new Error(`${what} did not log ${re}${times} within ${ms} ms (${matches.length} so far)\n${text()}`);
    await sleep(50);
  }
}

// Polls `cond()` (sync or async) until it returns something truthy and returns that; throws
// after `ms` naming `what`, with `detail()` for the failure message.
export async function waitUntil(what, cond, { ms = 15000, detail = () => '' } = {}) {
  const t0 = Date.now();
  for (;;) {
    const v = await cond();
    if (v) return v;
    if (Date.now() - t0 > ms) throw new Error(`${what}: not within ${ms} ms\n${detail()}`);
    await sleep(100);
  }
}

const children = new Set();
process.on('exit', () => { for (const c of children) { try { c.kill('SIGKILL'); } catch {} } });

// Starts the reference room server on a free loopback port.
export async function startServer(extraArgs = []) {
  const proc = spawn(ROOM_SERVER, ['--port', '0', '--host', '127.0.0.1', ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(proc);
  let log = '';
  let closed = null;
  proc.stderr.on('data', (d) => { log += d; });
  proc.on('close', (code, signal) => { closed = `exited (${signal ?? code})`; });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('room server did not start: ' + log)), 15000);
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (https?:\/\/\S+)/);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    proc.on('exit', (code) => reject(new Error(`room server exited ${code}: ${log}`)));
  });
  return {
    url,
    proc,
    log: () => log,
    // Resolves with the match once the server's log (stderr; not with --quiet) matches `re`.
    waitForLog: (re, ms = 15000, count = 1) => waitForLine(() => log, re,
      { ms, count, what: 'the room server', ended: () => closed }),
    stop: async () => {
      if (proc.exitCode !== null) return;
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
      children.delete(proc);
    },
  };
}

// Starts roompeer (in opts.cwd if given); `done` resolves with {code, signal, stderr, report} when it exited and its
// stderr is read to the end. With `opts.stats` it writes --stats JSON lines every 0.5 s, read
// while it runs with stats() (the latest line) and waitForStats().
export function startPeer(name, args, opts = {}) {
  const dir = opts.dir ?? tmp();
  const reportPath = join(dir, `${name}.json`);
  const statsPath = opts.stats ? join(dir, `${name}.stats.jsonl`) : null;
  const full = [
    '--name', name, '--ice-address', opts.iceAddress ?? '127.0.0.1', '--report', reportPath,  // cc: iceAddress
    ...(opts.defaultStun ? [] : ['--stun', 'none']),
    ...(statsPath ? ['--stats', statsPath, '--stats-interval', '0.5'] : []),
    ...args,
    ...(process.env.ROOMPEER_EXTRA_ARGS ? process.env.ROOMPEER_EXTRA_ARGS.split(' ') : []),
  ];
  const env = opts.env ? { ...process.env, ...opts.env } : process.env;
  const proc = spawn(ROOMPEER, full, { stdio: ['ignore', 'pipe', 'pipe'], env, cwd: opts.cwd });
  children.add(proc);
  let stderr = '';
  let ended = null;
  proc.stderr.on('data', (d) => {
    stderr += d;
    if (process.env.VERBOSE) process.stderr.write(`[${name}] ${d}`);
  });
  const done = new Promise((resolve) => {
    proc.on('error', (err) => {
      children.delete(proc);
      ended = `could not start (${err.message})`;
      resolve({ name, code: null, signal: null, stderr: stderr + `\n(spawn failed: ${err.message})`, report: null });
    });
    // 'close', not 'exit': the last log lines are in `stderr` by then.
    proc.on('close', (code, signal) => {
      children.delete(proc);
      ended = `exited (${signal ?? code})`;
      let report = null;
      if (existsSync(reportPath)) report = JSON.parse(readFileSync(reportPath, 'utf8'));
      resolve({ name, code, signal, stderr, report });
    });
  });
  // Resolves with the match once the peer's log matches `re` (`count` times); rejects after
  // `ms` or as soon as the peer exited without logging it.
  const waitForLog = (re, ms = 15000, count = 1) =>
    waitForLine(() => stderr, re, { ms, count, what: name, ended: () => ended });
  // The latest complete --stats line (parsed), or null before the first.
  const stats = () => {
    if (!statsPath || !existsSync(statsPath)) return null;
    const lines = readFileSync(statsPath, 'utf8').split('\n').filter((l) => l.trim());
    for (let i = lines.length - 1; i >= 0; i--) {
      try { return JSON.parse(lines[i]); } catch {}  // a line being written
    }
    return null;
  };
  // Resolves with the first --stats line for which `pred(line)` holds; rejects after `ms` or
  // when the peer exited first.
  const waitForStats = async (pred, { ms = 20000, what = 'a stats state' } = {}) => {
    assert.ok(statsPath, `${name}: started without { stats: true }`);
    return waitUntil(`${name}: ${what}`, () => {
      const line = stats();
      if (line && pred(line)) return line;
      if (ended) throw new Error(`${name} ${ended} before ${what}; last stats ${JSON.stringify(line)}\n${stderr}`);
      return null;
    }, { ms, detail: () => `last stats ${JSON.stringify(stats())}\n${stderr}` });
  };
  return { proc, done, name, reportPath, statsPath, waitForLog, stats, waitForStats, stderr: () => stderr };
}

// Waits until the room server has taken `peer` into `room`: the peer logged its join and the
// server processed it (and sent usersInRoom). A member started after this finds `peer` in the
// room and calls it. Needs a server without --quiet. Resolves with the peer's member id.
export async function waitForJoin(server, peer, room, ms = 15000) {
  const [, id] = await peer.waitForLog(new RegExp(`joined room '${escapeRe(room)}' as (\\S+)`), ms);
  await server.waitForLog(new RegExp(`joinRTCRoom room=${escapeRe(JSON.stringify(room))} id=${escapeRe(id)} `), ms);
  return id;
}

export function runPeer(name, args, opts) {
  return startPeer(name, args, opts).done;
}

// Prints what a failing assertion needs: the peer's logs and report.
export function explain(result) {
  return `\n--- ${result.name} exit=${result.code} signal=${result.signal}\n${result.stderr}\n` +
    `--- report\n${JSON.stringify(result.report, null, 2)}`;
}

// Every peer in the report decoded audio and at least `frames` video frames.
export function assertDecodedAll(result, expectedPeers, frames) {
  assert.ok(result.report, 'no report' + explain(result));
  const peers = result.report.peers.filter((p) => p.video.frames_decoded > 0);
  assert.equal(peers.length, expectedPeers, `${result.name} decoded video from ${peers.length} peers` + explain(result));
  for (const p of result.report.peers) {
    assert.ok(p.video.frames_decoded >= frames, `${result.name} got ${p.video.frames_decoded} frames from ${p.id}` + explain(result));
    assert.ok(p.audio.buffers_decoded > 0, `${result.name} got no audio from ${p.id}` + explain(result));
    assert.equal(typeof p.first_video_frame_ms, 'number');
  }
}

// Decoded buffers of one kind in a recording, counted by GStreamer itself.
export function countRecorded(path, kind = 'video', decoder = 'vp8dec') {
  const chain = kind === 'video'
    ? ['matroskademux', 'name=d', 'd.video_0', '!', decoder]
    : ['matroskademux', 'name=d', 'd.audio_0', '!', 'opusparse', '!', 'opusdec'];
  const r = spawnSync('gst-launch-1.0', ['filesrc', `location=${path}`, '!', ...chain, '!',
    'fakesink', 'silent=false', '-v'], { encoding: 'utf8', timeout: 60000, maxBuffer: 256 * 1024 * 1024 });
  const count = (r.stdout.match(/last-message = chain/g) ?? []).length;
  return { count, status: r.status, output: (r.stdout ?? '').slice(-1500) + (r.stderr ?? '').slice(-1500) };
}

export { assert };

const requireRoomServer = createRequire(join(NODE_MODULES, 'noop.js'));
const WebSocket = requireRoomServer('ws');

// A Socket.IO v4 client spoken by hand over Engine.IO v4 on a WebSocket.
export class RawClient {
  constructor(name) {
    this.name = name;
    this.events = [];
  }

  async connect(serverUrl) {
    const { port, hostname } = new URL(serverUrl);
    assert.equal(hostname, '127.0.0.1', 'loopback only');
    this.ws = new WebSocket(`ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`);
    this.id = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name}: no Socket.IO CONNECT within 5 s`)), 5000);
      this.ws.on('error', (e) => { clearTimeout(timer); reject(e); });
      this.ws.on('message', (buf) => {
        const text = buf.toString();
        if (text[0] === '0') this.ws.send('40');
        else if (text === '2') this.ws.send('3');
        else if (text.startsWith('40')) { clearTimeout(timer); resolve(JSON.parse(text.slice(2)).sid); }
        else if (text.startsWith('42')) this.events.push(JSON.parse(text.slice(2)));
      });
    });
    return this;
  }

  emit(name, ...args) { this.ws.send('42' + JSON.stringify([name, ...args])); }
  close() { this.ws.terminate(); }

  // Resolves with the first received event [name, ...args] for which `pred` holds, and
  // forgets it and everything before it.
  async waitFor(pred, what = 'a matching event', ms = 15000) {
    const t0 = Date.now();
    for (;;) {
      const i = this.events.findIndex(pred);
      if (i >= 0) return this.events.splice(0, i + 1)[i];
      if (Date.now() - t0 > ms) {
        throw new Error(`${this.name}: no ${what} within ${ms} ms; got ${JSON.stringify(this.events)}`);
      }
      await sleep(50);
    }
  }

  usersInRoom(ms) {
    return this.waitFor((e) => e[0] === 'usersInRoom', 'usersInRoom', ms).then((e) => e[1]);
  }

  userExit(id, ms) {
    return this.waitFor((e) => e[0] === 'user_exit' && e[1]?.id === id, `user_exit ${id}`, ms);
  }
}
