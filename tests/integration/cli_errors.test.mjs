// Exit codes and error messages: usage errors (2), an unreachable or refusing room server (3),
// a capture device that cannot be opened (4). Every case checks the code, that stderr says
// what failed or what to do, and that nothing crashed. All cases run; failures are listed
// together at the end.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOMPEER, NODE_MODULES, startServer, startPeer, tmp, assert, explain } from './lib.mjs';

const require = createRequire(join(NODE_MODULES, 'noop.js'));
const { Server } = require('socket.io');

// Nothing listens on port 1 inside the test's network namespace (nor usually outside it).
const DEAD = 'http://127.0.0.1:1';
const NET = ['--ice-address', '127.0.0.1', '--stun', 'none'];

// Runs roompeer with exactly `args`; resolves with {name, code, signal, stdout, stderr, report}.
function run(name, args, { timeoutMs = 20000, reportPath } = {}) {
  return new Promise((resolve) => {
    const proc = spawn(ROOMPEER, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    proc.stdout.on('data', (d) => { stdout += d; });
    proc.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => { stderr += `\n[test] killed after ${timeoutMs} ms`; proc.kill('SIGKILL'); }, timeoutMs);
    proc.on('close', (code, signal) => {
      clearTimeout(timer);
      let report = null;
      if (reportPath && existsSync(reportPath)) report = JSON.parse(readFileSync(reportPath, 'utf8'));
      resolve({ name, code, signal, stdout, stderr, report });
    });
  });
}

// The common assertions: exit code, no crash, stderr matches every regexp in `says`.
function expectExit(r, code, says = []) {
  const why = explain(r) + (r.stdout ? `\n--- stdout\n${r.stdout.slice(0, 3000)}` : '');
  assert.equal(r.signal, null, `${r.name}: killed by ${r.signal}` + why);
  assert.doesNotMatch(r.stderr, /Segmentation|Aborted|core dumped|terminate called|CRITICAL/, `${r.name}: crash or critical` + why);
  assert.equal(r.code, code, `${r.name}: expected exit ${code}, got ${r.code}` + why);
  for (const re of says) assert.match(r.stderr, re, `${r.name}: stderr should match ${re}` + why);
}

// A Socket.IO server of our own on a free loopback port; `middleware` decides on CONNECT.
async function startSocketIo(middleware) {
  const http = createServer();
  const io = new Server(http);
  const seen = { auths: [], joins: [] };
  io.use((socket, next) => { seen.auths.push(socket.handshake.auth); middleware(socket, next); });
  io.on('connection', (socket) => {
    socket.on('joinRTCRoom', (room, user) => seen.joins.push({ room, user }));
  });
  await new Promise((resolve, reject) => { http.once('error', reject); http.listen(0, '127.0.0.1', resolve); });
  const url = `http://127.0.0.1:${http.address().port}`;
  return {
    url, seen,
    close: () => new Promise((resolve) => {
      io.close(() => resolve());
      if (http.closeAllConnections) http.closeAllConnections();
    }),
  };
}

const results = [];
async function check(name, fn) {
  const t0 = Date.now();
  try {
    await fn();
    results.push({ name, ok: true });
    console.log(`ok   ${name} (${Date.now() - t0} ms)`);
  } catch (e) {
    results.push({ name, ok: false, error: e });
    console.log(`FAIL ${name} (${Date.now() - t0} ms)\n${e.message}\n`);
  }
}

// The assertion helper itself must catch a wrong code and a missing message.
await check('self-test: expectExit catches a wrong exit code or message', async () => {
  const fake = { name: 'fake', code: 2, signal: null, stdout: '', stderr: 'roompeer: --fps: bad', report: null };
  assert.throws(() => expectExit(fake, 3), /expected exit 3, got 2/);
  assert.throws(() => expectExit(fake, 2, [/--room/]), /should match/);
  assert.throws(() => expectExit({ ...fake, signal: 'SIGSEGV', code: null }, 2), /killed by SIGSEGV/);
  expectExit(fake, 2, [/--fps/]);
});

// ---- usage errors: exit 2 -------------------------------------------------------------
const usage = [
  ['missing --server', ['--room', 'r'], [/--server/, /required/i]],
  ['missing --room', ['--server', DEAD], [/--room/, /required/i]],
  ['missing both', [], [/--server|--room/, /required/i]],
  ['--fps abc', ['--server', DEAD, '--room', 'r', '--fps', 'abc'], [/--fps/, /abc/]],
  ['--duration nan', ['--server', DEAD, '--room', 'r', '--duration', 'nan'], [/--duration/]],
  ['--connect-timeout nan', ['--server', DEAD, '--room', 'r', '--connect-timeout', 'nan'], [/--connect-timeout/]],
  ['--fps 0', ['--server', DEAD, '--room', 'r', '--fps', '0'], [/--fps/]],
  ['--video-size 12', ['--server', DEAD, '--room', 'r', '--video-size', '12'], [/--video-size/, /WxH/]],
  ['--video-size 641x480 (odd)', ['--server', DEAD, '--room', 'r', '--video-size', '641x480'], [/--video-size/, /even/]],
  ['--user-json [1]', ['--server', DEAD, '--room', 'r', '--user-json', '[1]'], [/--user-json/, /object/]],
  ['--user-json invalid JSON', ['--server', DEAD, '--room', 'r', '--user-json', '{"a":'], [/--user-json/, /not JSON/]],
  ['--auth nope', ['--server', DEAD, '--room', 'r', '--auth', 'nope'], [/--auth/, /not JSON/]],
  ['--auth [1]', ['--server', DEAD, '--room', 'r', '--auth', '[1]'], [/--auth/, /object/]],
  ['--server ftp://x', ['--server', 'ftp://x', '--room', 'r'], [/--server/, /ftp/, /ws:\/\/|http:\/\//]],
  ['--server without scheme', ['--server', '127.0.0.1:1', '--room', 'r'], [/--server/, /scheme/]],
  ['--room empty', ['--server', DEAD, '--room', ''], [/--room/]],
  ['--video bogus', ['--server', DEAD, '--room', 'r', '--video', 'bogus'], [/--video/, /bogus/]],
  ['--sink bogus', ['--server', DEAD, '--room', 'r', '--sink', 'bogus'], [/--sink/, /bogus/]],
  ['--stun bogus', ['--server', DEAD, '--room', 'r', '--stun', 'bogus'], [/--stun/, /stun:/]],
  ['--ice-address not-an-ip', ['--server', DEAD, '--room', 'r', '--ice-address', 'not-an-ip'], [/--ice-address/, /not-an-ip/]],
  ['unknown option', ['--server', DEAD, '--room', 'r', '--no-such-option'], [/--no-such-option/, /--help/]],
];
for (const [name, args, says] of usage) {
  await check(`usage: ${name} -> 2`, async () => {
    // --ice-address/--stun go first so a case can repeat them; they are valid on their own.
    const r = await run(name, [...NET, ...args]);
    expectExit(r, 2, says);
    assert.equal(r.stdout, '', `${name}: usage errors belong on stderr` + explain(r));
  });
}

// ---- output paths: checked when the options are read, not found out at exit -------------
// Before any connection attempt (the server is not listening, and --duration would end the
// run in 5 s): a mistyped --report must not cost a whole run's result.
const badOutputs = [
  ['--report /no/such/dir/r.json', ['--report', '/no/such/dir/r.json'],
    [/--report: cannot write '\/no\/such\/dir\/r\.json': there is no directory \/no\/such\/dir/]],
  ['--stats /no/such/dir/s.jsonl', ['--stats', '/no/such/dir/s.jsonl'],
    [/--stats: cannot write '\/no\/such\/dir\/s\.jsonl': there is no directory \/no\/such\/dir/]],
  ['--sink file:/no/such/dir', ['--sink', 'file:/no/such/dir'],
    [/--sink file: cannot record into '\/no\/such\/dir': there is no directory \/no\/such/]],
  ['--report naming a directory', ['--report', tmp()], [/--report: cannot write '.*': it is a directory/]],
];
for (const [name, args, says] of badOutputs) {
  await check(`output path: ${name} -> 2 at once`, async () => {
    const t0 = Date.now();
    const r = await run(name, [...NET, '--server', DEAD, '--room', 'r', '--duration', '5', ...args],
      { timeoutMs: 10000 });
    const ms = Date.now() - t0;
    expectExit(r, 2, says);
    assert.doesNotMatch(r.stderr, /room server|retrying|joined/, `${name}: no connection attempt` + explain(r));
    assert.ok(ms < 3000, `${name}: exit 2 took ${ms} ms` + explain(r));
  });
}

await check('--help -> 0, every option group and option', async () => {
  const r = await run('help', ['--help']);
  expectExit(r, 0);
  for (const group of ['Room', 'Media', 'ICE', 'Run control']) assert.match(r.stdout, new RegExp(`^${group}:`, 'm'), `group ${group}\n${r.stdout}`);
  for (const opt of ['--server', '--room', '--name', '--user-json', '--auth', '--video', '--audio', '--video-codec',
    '--video-size', '--fps', '--video-bitrate', '--sink', '--stun', '--turn', '--ice-address', '--latency',
    '--duration', '--report', '--expect-peers', '--expect-frames', '--verbose', '--quiet', '--version']) {
    assert.ok(r.stdout.includes(opt), `--help does not mention ${opt}\n${r.stdout}`);
  }
  assert.match(r.stdout, /Exit codes/, 'the exit codes are documented');
});

await check('--version -> 0', async () => {
  const r = await run('version', ['--version']);
  expectExit(r, 0);
  assert.match(r.stdout, /^roompeer \d+\.\d+\.\d+/, r.stdout);
});

// ---- room server unreachable / join refused: exit 3 -------------------------------------
// roompeer either gives up at once or keeps retrying while --duration lasts; both end in 3.
async function checkUnreachable(name, extra, maxMs) {
  await check(name, async () => {
    const reportPath = join(tmp(), 'unreachable.json');
    const t0 = Date.now();
    const r = await run('unreachable', [...NET, '--server', DEAD, '--room', 'r', '--report', reportPath,
      '--video', 'none', '--audio', 'none', ...extra], { reportPath });
    expectExit(r, 3, [/cannot reach the room server/, /127\.0\.0\.1:1/, /--server/]);
    assert.ok(Date.now() - t0 < maxMs, `took ${Date.now() - t0} ms` + explain(r));
    assert.ok(r.report, 'the report must be written even though the server was never reached' + explain(r));
    assert.equal(r.report.result, 'fail', explain(r));
    assert.equal(r.report.self_id, null, explain(r));
    assert.ok(r.report.failures.some((f) => /room server/.test(f)), 'the failure says why' + explain(r));
    assert.deepEqual(r.report.peers, []);
  });
}
await checkUnreachable('unreachable server (--duration 3) -> 3, report written with result fail', ['--duration', '3'], 10000);
const help = await run('help', ['--help']);
if (help.stdout.includes('--connect-timeout')) {
  await checkUnreachable('unreachable server (--connect-timeout 1, no --duration) -> 3', ['--connect-timeout', '1'], 8000);
} else {
  console.log('skip unreachable server with --connect-timeout: this roompeer has no such option');
}

await check('join refused by middleware -> 3 with the server message', async () => {
  const srv = await startSocketIo((socket, next) => next(new Error('not allowed')));
  try {
    const p = startPeer('refused', ['--server', srv.url, '--room', 'r', '--video', 'none', '--audio', 'none',
      '--duration', '10']);
    const r = await p.done;
    expectExit(r, 3, [/refused/, /not allowed/]);
    assert.equal(r.report?.result, 'fail', explain(r));
    assert.equal(srv.seen.joins.length, 0, 'a refused client never joins');
  } finally { await srv.close(); }
});

{
  const srv = await startSocketIo((socket, next) => {
    if (socket.handshake.auth?.token === 'sesame') next();
    else next(new Error(`bad token ${JSON.stringify(socket.handshake.auth?.token ?? null)}`));
  });
  try {
    await check('--auth payload reaches the server: right token -> 0', async () => {
      const p = startPeer('auth-ok', ['--server', srv.url, '--room', 'vault', '--auth', '{"token":"sesame"}',
        '--duration', '2', '--video', 'none', '--audio', 'none']);
      const r = await p.done;
      expectExit(r, 0, [/joined room 'vault'/]);
      assert.equal(r.report.result, 'pass', explain(r));
      assert.deepEqual(srv.seen.auths.at(-1), { token: 'sesame' }, 'the CONNECT auth payload, unchanged');
      assert.equal(srv.seen.joins.at(-1)?.room, 'vault', 'joined after the accepted CONNECT');
      assert.equal(srv.seen.joins.at(-1)?.user?.name, 'auth-ok');
    });
    await check('--auth wrong token -> 3', async () => {
      const joins = srv.seen.joins.length;
      const p = startPeer('auth-bad', ['--server', srv.url, '--room', 'vault', '--auth', '{"token":"guess"}',
        '--duration', '10', '--video', 'none', '--audio', 'none']);
      const r = await p.done;
      // The server's message quotes the token back: it reaches the log, the token does not.
      expectExit(r, 3, [/refused/, /bad token "\*\*\*"/]);
      assert.ok(!r.stderr.includes('guess') && !JSON.stringify(r.report).includes('guess'), explain(r));
      assert.deepEqual(srv.seen.auths.at(-1), { token: 'guess' });
      assert.equal(srv.seen.joins.length, joins, 'no join after a refused CONNECT');
    });
    await check('no --auth against an auth server -> 3', async () => {
      const p = startPeer('auth-none', ['--server', srv.url, '--room', 'vault', '--duration', '10',
        '--video', 'none', '--audio', 'none']);
      const r = await p.done;
      expectExit(r, 3, [/refused/, /bad token null/]);
    });
  } finally { await srv.close(); }
}

// ---- media errors: exit 4 ----------------------------------------------------------------
{
  const server = await startServer(['--quiet']);
  try {
    await check('--video v4l2:/dev/nonexistent-camera -> 4', async () => {
      const p = startPeer('nocam', ['--server', server.url, '--room', 'media', '--duration', '5',
        '--video', 'v4l2:/dev/nonexistent-camera']);
      const r = await p.done;
      expectExit(r, 4, [/\/dev\/nonexistent-camera|cannot be opened|cannot open|could not open/i, /--video/]);
      assert.equal(r.report?.result, 'fail', explain(r));
    });
  } finally { await server.stop(); }
}

const failed = results.filter((r) => !r.ok);
console.log(`\n${results.length - failed.length} of ${results.length} cases passed`);
if (failed.length) {
  console.log('failed: ' + failed.map((f) => f.name).join('; '));
  process.exit(1);
}
console.log('cli errors: ok');
