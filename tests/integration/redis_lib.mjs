// Helpers for the tests of several room servers sharing rooms through Redis: a private
// redis-server on loopback, room-server nodes on it, a raw Socket.IO client, Redis queries.
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, tmp, assert } from './lib.mjs';


const freePort = () => new Promise((resolve, reject) => {
  const s = createServer();
  s.on('error', reject);
  s.listen(0, '127.0.0.1', () => {
    const { port } = s.address();
    s.close(() => resolve(port));
  });
});

// redis-server on 127.0.0.1 with nothing written to disk, in its own temp dir. A missing
// redis-server fails the test (scripts/setup installs it), it never skips.
export async function startRedis() {
  const which = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  assert.equal(which.status, 0, 'redis-server is not installed: run scripts/setup');
  const dir = tmp('roompeer-redis-');
  const port = await freePort();
  const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '',
    '--appendonly', 'no', '--dir', dir, '--protected-mode', 'yes'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  proc.stdout.on('data', (d) => { log += d; });
  proc.stderr.on('data', (d) => { log += d; });
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('redis-server did not start:\n' + log)), 10000);
    proc.stdout.on('data', () => {
      if (/Ready to accept connections/.test(log)) { clearTimeout(timer); resolve(); }
    });
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`redis-server exited ${code}:\n${log}`)); });
  });
  process.on('exit', () => { try { proc.kill('SIGKILL'); } catch {} });
  const url = `redis://127.0.0.1:${port}`;
  return {
    url,
    proc,
    // Runs one command through redis-cli; resolves with its raw output lines.
    cli: (...args) => {
      const r = spawnSync('redis-cli', ['-p', String(port), '--raw', ...args], { encoding: 'utf8' });
      assert.equal(r.status, 0, `redis-cli ${args.join(' ')}: ${r.stderr}`);
      return r.stdout.split('\n').filter((l) => l !== '');
    },
    stop: async () => {
      if (proc.exitCode === null) {
        proc.kill('SIGTERM');
        await new Promise((r) => proc.once('exit', r));
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const startNode = (redis, extra = []) => startServer(['--redis', redis.url, ...extra]);

// The socket ids listed for `room` in Redis (what usersInRoom reports).
export const membersInRedis = (redis, room) =>
  redis.cli('HKEYS', `roompeer:room:${room}`).sort();

export { RawClient } from './lib.mjs';
