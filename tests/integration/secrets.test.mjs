// Secrets never leave the process in text: a TURN password and an auth token given to a
// roompeer at -v -v (GStreamer's debug log at its most verbose included) appear neither in
// its stderr, nor its report, nor its --stats lines, nor --print-config (which shows ***
// instead), while the call works.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOMPEER, startServer, startPeer, tmp, assert, assertDecodedAll, explain } from './lib.mjs';

const PASSWORD = 'Turn-Pa55word-x9';
const TOKEN = 'tok-5ecret-abc123';
// Nothing listens on 127.0.0.1:3478 in the test's network namespace: only the text matters.
const secretArgs = ['--turn', `turn://alice:${PASSWORD}@127.0.0.1:3478`, '--auth', JSON.stringify({ token: TOKEN, user: 7 })];

const statsPath = join(tmp('roompeer-secrets-'), 'a.stats.jsonl');
const server = await startServer();
try {
  // webrtcbin logs the TURN URL it is given at debug level: the proof that masking works.
  process.env.GST_DEBUG = 'webrtcbin:7,webrtcnice:7';
  const a = startPeer('a-secret', ['--server', server.url, '--room', 'sec', '--duration', '8', '-v', '-v',
    '--expect-peers', '1', '--expect-frames', '30', '--stats', statsPath, '--stats-interval', '0.5', ...secretArgs]);
  delete process.env.GST_DEBUG;
  await a.waitForLog(/joined room/);
  const b = startPeer('b-secret', ['--server', server.url, '--room', 'sec', '--duration', '6', '-v',
    '--expect-peers', '1', '--expect-frames', '30']);
  const [ra, rb] = await Promise.all([a.done, b.done]);
  assert.equal(ra.code, 0, explain(ra));
  assertDecodedAll(ra, 1, 30);
  for (const r of [ra, rb]) {
    const report = readFileSync(r === ra ? a.reportPath : b.reportPath, 'utf8');
    for (const s of [PASSWORD, TOKEN]) {
      assert.ok(!r.stderr.includes(s), `${r.name}: stderr shows a secret` + explain(r));
      assert.ok(!report.includes(s), `${r.name}: report shows a secret\n${report}`);
    }
  }
  const stats = readFileSync(statsPath, 'utf8');
  assert.ok(stats.split('\n').length > 5, `stats lines written\n${stats.slice(0, 500)}`);
  for (const s of [PASSWORD, TOKEN]) assert.ok(!stats.includes(s), 'stats lines show a secret');
  assert.match(ra.stderr, /Adding turn server: turn:\/\/alice:\*\*\*@127\.0\.0\.1:3478/, 'GStreamer\'s own line, masked' + explain(ra));
  console.log(`-v -v call: ${ra.stderr.split('\n').length} log lines, no secret in logs or reports`);
} finally {
  await server.stop();
}

const printed = spawnSync(ROOMPEER, ['--server', 'http://127.0.0.1:9', '--room', 'x', ...secretArgs, '--print-config'], { encoding: 'utf8' });
assert.equal(printed.status, 0, printed.stderr);
for (const s of [PASSWORD, TOKEN]) assert.ok(!printed.stdout.includes(s), printed.stdout);
assert.match(printed.stdout, /^turn = \["turn:\/\/alice:\*\*\*@127\.0\.0\.1:3478"\]$/m);
assert.match(printed.stdout, /^auth = .*\\"token\\":\\"\*\*\*\\"/m);
// A usage error must not echo the secret either.
const bad = spawnSync(ROOMPEER, ['--server', 'http://127.0.0.1:9', '--room', 'x', '--turn', `turn:/alice:${PASSWORD}@h`], { encoding: 'utf8' });
assert.equal(bad.status, 2);
assert.ok(!bad.stderr.includes(PASSWORD), bad.stderr);
console.log('--print-config masks the TURN password and the auth token: ok');
