// Helpers shared by the integration tests: a room server, roompeer processes, reports.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';

const here = dirname(fileURLToPath(import.meta.url));
export const ROOT = join(here, '..', '..');
export const ROOMPEER = process.env.ROOMPEER ?? join(ROOT, 'build', 'src', 'roompeer');
export const ROOM_SERVER = join(ROOT, 'scripts', 'room-server', 'room-server');
export const NODE_MODULES = join(ROOT, 'scripts', 'room-server', 'node_modules');

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const tmp = (prefix = 'roompeer-test-') => mkdtempSync(join(tmpdir(), prefix));

const children = new Set();
process.on('exit', () => { for (const c of children) { try { c.kill('SIGKILL'); } catch {} } });

// Starts the reference room server on a free loopback port.
export async function startServer(extraArgs = []) {
  const proc = spawn(ROOM_SERVER, ['--port', '0', '--host', '127.0.0.1', ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(proc);
  let log = '';
  proc.stderr.on('data', (d) => { log += d; });
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
    stop: async () => {
      if (proc.exitCode !== null) return;
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
      children.delete(proc);
    },
  };
}

// Starts roompeer (in opts.cwd if given); resolves with {code, signal, stderr, report} when it exits.
export function startPeer(name, args, opts = {}) {
  const dir = opts.dir ?? tmp();
  const reportPath = join(dir, `${name}.json`);
  const full = [
    '--name', name, '--ice-address', '127.0.0.1', '--report', reportPath,
    ...(opts.defaultStun ? [] : ['--stun', 'none']),
    ...args,
    ...(process.env.ROOMPEER_EXTRA_ARGS ? process.env.ROOMPEER_EXTRA_ARGS.split(' ') : []),
  ];
  const env = opts.env ? { ...process.env, ...opts.env } : process.env;
  const proc = spawn(ROOMPEER, full, { stdio: ['ignore', 'pipe', 'pipe'], env, cwd: opts.cwd });
  children.add(proc);
  let stderr = '';
  proc.stderr.on('data', (d) => {
    stderr += d;
    if (process.env.VERBOSE) process.stderr.write(`[${name}] ${d}`);
  });
  const done = new Promise((resolve) => {
    proc.on('error', (err) => {
      children.delete(proc);
      resolve({ name, code: null, signal: null, stderr: stderr + `\n(spawn failed: ${err.message})`, report: null });
    });
    proc.on('exit', (code, signal) => {
      children.delete(proc);
      let report = null;
      if (existsSync(reportPath)) report = JSON.parse(readFileSync(reportPath, 'utf8'));
      resolve({ name, code, signal, stderr, report });
    });
  });
  // Resolves when the peer's log matches `re`; rejects after `ms` or when the peer exits first.
  const waitForLog = async (re, ms = 15000) => {
    const t0 = Date.now();
    while (!re.test(stderr)) {
      if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`${name} exited before logging ${re}\n${stderr}`);
      if (Date.now() - t0 > ms) throw new Error(`${name} did not log ${re} within ${ms} ms\n${stderr}`);
      await sleep(100);
    }
  };
  return { proc, done, name, reportPath, waitForLog, stderr: () => stderr };
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
