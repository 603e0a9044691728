// --expect and --junit (issue 12): a receiving roompeer judges the call it gets from a sender
// by the fields of its own report. A limit that holds exits 0, one that cannot hold exits 1
// naming the peer, the field, the value and the limit, a field that is null fails saying so,
// and a malformed expression exits 2 before anything starts. Every --junit file written must be
// valid against tests/junit.xsd (the Jenkins/Surefire JUnit format, checked with xmllint).
// A run without a room server still writes its JUnit file; a sender named in markup stays text.
// Without --expect, a call at 5 fps is warned about once, and every call is summed up at exit.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOMPEER, ROOT, startServer, startPeer, runPeer, waitForJoin, escapeRe, tmp, assert, explain } from './lib.mjs';

const dir = tmp();
const XSD = join(ROOT, 'tests', 'junit.xsd');

function assertValidJunit(path, r) {
  assert.ok(existsSync(path), `no JUnit file at ${path}` + explain(r));
  const v = spawnSync('xmllint', ['--noout', '--schema', XSD, path], { encoding: 'utf8' });
  assert.equal(v.error, undefined, `xmllint could not run (scripts/setup installs libxml2-utils): ${v.error}`);
  assert.equal(v.status, 0, `${path} is not valid JUnit XML:\n${v.stderr}\n${readFileSync(path, 'utf8')}`);
  return readFileSync(path, 'utf8');
}

// Usage errors first: no server, no media, nothing written.
for (const [expr, says] of [
  ['video.fps>>5', /--expect 'video\.fps>>5': '>5' is not a number/],
  ['video.fsp>=5', /unknown field 'video\.fsp'; the numeric fields of a peer are: .*\bvideo\.fps, .*\baudio\.gaps\b/],
]) {
  const junit = join(dir, 'usage.xml');
  const r = spawnSync(ROOMPEER, ['--server', 'http://127.0.0.1:1', '--room', 'x', '--expect', expr,
    '--junit', junit], { encoding: 'utf8', timeout: 20000 });
  assert.equal(r.status, 2, `--expect '${expr}' should exit 2:\n${r.stderr}`);
  assert.match(r.stderr, says);
  assert.ok(!existsSync(junit), 'a usage error writes no JUnit file');
}
{
  const r = spawnSync(ROOMPEER, ['--server', 'http://127.0.0.1:1', '--room', 'x',
    '--junit', join(dir, 'no-such-dir', 'j.xml')], { encoding: 'utf8', timeout: 20000 });
  assert.equal(r.status, 2, `an unwritable --junit should exit 2:\n${r.stderr}`);
  assert.match(r.stderr, /--junit: cannot write .*no-such-dir/);
}

// A run that fails before any call (no room server) still writes its JUnit file: the "run"
// test case fails with the reason.
{
  const junit = join(dir, 'unreachable.xml');
  const r = spawnSync(ROOMPEER, ['--server', 'http://127.0.0.1:1', '--room', 'x', '--connect-timeout', '1',
    '--stun', 'none', '--expect', 'video.fps>=5', '--junit', junit], { encoding: 'utf8', timeout: 30000 });
  assert.equal(r.status, 3, `an unreachable server exits 3:\n${r.stderr}`);
  const xml = assertValidJunit(junit, { name: 'unreachable', code: r.status, stderr: r.stderr, report: null });
  assert.match(xml, /<testcase classname="roompeer\.room x" name="run" time="0">\s*<failure message="[^"]+"/, xml);
  assert.match(xml, /name="expect video\.fps&gt;=5"[^>]*>\s*<failure message="--expect video\.fps&gt;=5: no member was ever connected/, xml);
}

// The sender's name is markup: it must stay text in every output.
const NAME = '<sender & "co">';
const server = await startServer();
try {
  const sender = startPeer('sender', ['--server', server.url, '--room', 'ci', '--duration', '60',
    '--user-json', JSON.stringify({ name: NAME })], { dir });
  const senderId = await waitForJoin(server, sender, 'ci');

  // The limit holds: exit 0, the JUnit file has one passing case per expectation.
  const passXml = join(dir, 'pass.xml');
  const rp = await runPeer('pass', ['--server', server.url, '--room', 'ci', '--duration', '8',
    '--expect', 'video.fps>=5', '--expect', 'audio.buffers_decoded > 0', '--expect-frames', '10',
    '--junit', passXml], { dir });
  assert.equal(rp.code, 0, 'video.fps>=5 should pass' + explain(rp));
  assert.deepEqual(rp.report.failures, [], explain(rp));
  const fps = rp.report.peers[0].video.fps;
  assert.ok(typeof fps === 'number' && fps >= 5, `video.fps ${fps}` + explain(rp));
  assert.match(rp.stderr, new RegExp(`expect: peer ${escapeRe(senderId)}: video\\.fps [\\d.]+ >= 5`));
  let xml = assertValidJunit(passXml, rp);
  assert.match(xml, /<testsuite name="roompeer room ci" tests="4" failures="0"/, xml);
  assert.match(xml, new RegExp(`<testcase classname="roompeer\\.peer ${escapeRe(senderId)} \\(&lt;sender &amp; &quot;co&quot;&gt;\\)" name="video\\.fps&gt;=5"`), xml);
  assert.match(xml, /name="expect-frames&gt;=10"/, xml);
  assert.doesNotMatch(xml, /<failure/, xml);

  // A limit no call meets, and a field that is null (no PSNR without --latency-probe on the
  // sender): exit 1, each failure names the peer, the field, the value and the limit.
  const failXml = join(dir, 'fail.xml');
  const rf = await runPeer('fail', ['--server', server.url, '--room', 'ci', '--duration', '8',
    '--expect', 'video.fps>=1000', '--expect', 'video.psnr_db.mean >= 30', '--junit', failXml], { dir });
  assert.equal(rf.code, 1, 'video.fps>=1000 should fail' + explain(rf));
  const failures = rf.report.failures;
  assert.equal(failures.length, 2, explain(rf));
  assert.match(failures[0], new RegExp(`^peer ${escapeRe(senderId)} \\(${escapeRe(NAME)}\\): video\\.fps [\\d.]+ < 1000$`));
  assert.equal(failures[1], `peer ${senderId} (${NAME}): video.psnr_db.mean is null (expected >= 30)`);
  for (const f of failures) assert.ok(rf.stderr.includes(`failure: ${f}`), `the log names ${f}` + explain(rf));
  xml = assertValidJunit(failXml, rf);
  assert.match(xml, /<testsuite name="roompeer room ci" tests="3" failures="2"/, xml);
  assert.match(xml, /<failure message="video\.fps [\d.]+ &lt; 1000" type="failure">/, xml);
  assert.match(xml, /<failure message="video\.psnr_db\.mean is null \(expected &gt;= 30\)"/, xml);

  // Without --expect: a call at 5 fps is warned about once, after 5 s; the 30 fps one is not.
  const slow = startPeer('slow', ['--server', server.url, '--room', 'ci', '--duration', '60', '--fps', '5'], { dir });
  const slowId = await waitForJoin(server, slow, 'ci');
  const rw = await runPeer('watcher', ['--server', server.url, '--room', 'ci', '--duration', '10'], { dir });
  assert.equal(rw.code, 0, explain(rw));
  const warnings = rw.stderr.match(/the call degraded.*/g) ?? [];
  assert.equal(warnings.length, 1, 'one warning, for the slow sender' + explain(rw));
  assert.match(rw.stderr, new RegExp(`peer ${escapeRe(slowId)}: the call degraded: under 10 fps for 5 s`), explain(rw));
  assert.match(rw.stderr, new RegExp(`quality peer ${escapeRe(senderId)}: [\\d.]+ fps`), explain(rw));
  assert.match(rw.stderr, new RegExp(`quality peer ${escapeRe(slowId)}: [\\d.]+ fps`), explain(rw));
  slow.proc.kill('SIGINT');
  await slow.done;

  sender.proc.kill('SIGINT');
  const rs = await sender.done;
  assert.equal(rs.code, 0, explain(rs));
  // Without --expect: a one-line summary of each call at exit.
  assert.match(rs.stderr, /quality peer \S+: [\d.]+ fps/, explain(rs));
  console.log('--expect and --junit: ok');
} finally {
  await server.stop();
}
