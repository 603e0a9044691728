// Secrets never leave the process in text, and masking them changes nothing else.
// 1. A TURN password and an auth token given to a roompeer at -v -v (GStreamer's debug log at
//    its most verbose included) appear neither in its stderr, nor its report, nor its --stats
//    lines, nor --print-config (which shows *** instead), while the call works.
// 2. Passwords that are also a letter or a word ("p", "video", "peers"; issue 11, where "pass"
//    became "***ass"): the report, the --stats lines, /metrics and --print-config of a call
//    with them are byte for byte those of the same call without a secret, apart from the fields
//    that hold one, once what differs from run to run anyway (our id, times, numbers) is
//    normalised. In the log a password shows only as user:***@, and *** nowhere else.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOMPEER, startServer, startPeer, sleep, tmp, assert, assertDecodedAll, explain } from './lib.mjs';

const PASSWORD = 'Turn-Pa55word-x9';
const TOKEN = 'tok-5ecret-abc123';
// Nothing listens on 127.0.0.1:3478 in the test's network namespace: only the text matters.
const secretArgs = ['--turn', `turn://alice:${PASSWORD}@127.0.0.1:3478`, '--auth', JSON.stringify({ token: TOKEN, user: 7 })];

const server = await startServer();
try {
  const statsPath = join(tmp('roompeer-secrets-'), 'a.stats.jsonl');
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
const badServer = spawnSync(ROOMPEER, ['--server', `alice:${PASSWORD}@h`, '--room', 'x'], { encoding: 'utf8' });
assert.equal(badServer.status, 2);
assert.equal(badServer.stderr, "roompeer: --server: 'alice:***@h' has no scheme (use ws://, wss://, http:// or https://)\n");
console.log('--print-config and usage errors mask the TURN password and the auth token: ok');

// ---- 2. Secrets that are also letters and words change nothing but their own fields --------

// What differs between two runs of the same call anyway: our own id (the other member stays
// in the room, so its id is the same in every call), times, and the value of every number
// (counters, rates; null where a rate or RTT is not known yet), of every quality flag
// (true/false/null as measured so far) and of the layer congestion control chose by then.
const normalise = (text, selfId) => text.split(selfId).join('SELF-ID')
  .replace(/"time":"[^"]*"/g, '"time":"T"')
  .replace(/("layer"\s*:\s*)"(?:full|low)"/g, '$1N')
  .replace(/("[a-z_0-9]+"\s*:\s*)(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|null|true|false)(?=\s*[,}\n])/g, '$1N');
// /metrics sample values are numbers; RTT and jitter series appear once RTCP has said them.
const normaliseMetrics = (text) => text.split('\n')
  .filter((l) => !/^roompeer_peer_(rtt|jitter)_seconds\{/.test(l))
  .map((l) => (l.startsWith('#') ? l : l.replace(/ \S+$/, ' N'))).join('\n');
const secretKeys = /^#? ?(server|turn|auth) = /;

const words = await startServer();
const room = 'words';
try {
  // One member stays for every call: the calls differ only in the secrets of the other one.
  const stay = startPeer('stay', ['--server', words.url, '--room', room, '--duration', '150']);
  await stay.waitForLog(/joined room/);

  const call = async (label, serverUrl, extra) => {
    const dir = tmp('roompeer-words-');
    const statsPath = join(dir, 'w.stats.jsonl');
    const args = ['--server', serverUrl, '--room', room, '--duration', '6', '-v', '-v',
      '--expect-peers', '1', '--stats', statsPath, '--stats-interval', '0.5',
      '--metrics-port', '0', ...extra];
    // GStreamer's debug lines with words in them, and webrtcbin's line with the TURN URL.
    const p = startPeer('w', args, { dir, env: { GST_DEBUG: 'webrtcbin:5' } });
    await p.waitForLog(/metrics at (http:\/\/127\.0\.0\.1:\d+\/metrics)/);
    const url = p.stderr().match(/metrics at (http:\/\/127\.0\.0\.1:\d+\/metrics)/)[1];
    // Scraped once the call has rates (two samples with the other member), well before the end.
    let metrics = '';
    while (p.proc.exitCode === null && !/^roompeer_peer_receive_frames_per_second\{/m.test(metrics)) {
      await sleep(100);
      metrics = await (await fetch(url).catch(() => ({ text: () => '' }))).text();
    }
    const r = await p.done;
    assert.equal(r.code, 0, `${label}: ${explain(r)}`);
    assert.match(metrics, /^roompeer_peer_receive_frames_per_second\{/m, `${label}: /metrics without rates\n${metrics}`);
    const config = spawnSync(ROOMPEER, [...args, '--print-config'], { encoding: 'utf8' });
    assert.equal(config.status, 0, config.stderr);
    return {
      label, stderr: r.stderr, selfId: r.report.self_id, report: readFileSync(p.reportPath, 'utf8'),
      stats: readFileSync(statsPath, 'utf8').trim().split('\n'), metrics,
      config: config.stdout.split(dir).join('DIR'),  // a new directory for each call
    };
  };

  const plain = await call('no secret', words.url, []);
  const serverWithPassword = (pw) => words.url.replace('http://', `http://u:${pw}@`);
  const variants = [
    { pw: 'p', server: serverWithPassword('p') },
    { pw: 'video', server: words.url },
    { pw: 'peers', server: words.url },
  ];
  const plainReport = normalise(plain.report, plain.selfId);
  const plainStats = [...new Set(plain.stats.map((l) => normalise(l, plain.selfId)))];
  // The stats line of the call under way (the lines before it depend on timing).
  const steady = (lines) => lines.filter((l) => l.includes('"state":"joined"') && l.includes('"state":"connected"'));
  assert.equal(steady(plainStats).length, 1, plainStats.join('\n'));
  const plainMetrics = normaliseMetrics(plain.metrics);
  const plainConfig = plain.config.split('\n').filter((l) => !secretKeys.test(l));

  for (const { pw, server: serverUrl } of variants) {
    const auth = JSON.stringify({ token: pw });
    const r = await call(`password ${pw}`, serverUrl, ['--turn', `turn://u:${pw}@127.0.0.1:3478`, '--auth', auth]);
    const what = `password "${pw}"`;

    // The report: only "server" holds a secret (when its URL has one), shown without it.
    let report = normalise(r.report, r.selfId);
    if (serverUrl !== words.url) {
      const masked = `"server": "${words.url.replace('http://', 'http://u:***@')}"`;
      assert.ok(report.includes(masked), `${what}: report server field\n${r.report}`);
      report = report.replace(masked, `"server": "${words.url}"`);
    }
    assert.equal(report, plainReport, `${what}: the report differs from the one without a secret`);
    assert.equal(JSON.parse(r.report).result, 'pass');

    // --stats: the line of the call under way, byte for byte.
    const stats = [...new Set(r.stats.map((l) => normalise(l, r.selfId)))];
    assert.deepEqual(steady(stats), steady(plainStats), `${what}: stats line of the call`);
    assert.ok(!r.stats.join('\n').includes('***'), `${what}: *** in the stats lines`);

    assert.equal(normaliseMetrics(r.metrics), plainMetrics, `${what}: /metrics differs`);

    // --print-config: the secret-holding lines masked, every other line the same.
    const lines = r.config.split('\n');
    assert.deepEqual(lines.filter((l) => !secretKeys.test(l)), plainConfig, `${what}: --print-config`);
    assert.ok(lines.includes('turn = ["turn://u:***@127.0.0.1:3478"]'), r.config);
    assert.ok(lines.includes('auth = "{\\"token\\":\\"***\\"}"'), r.config);
    assert.ok(lines.includes(`server = ["${serverUrl.replace(`u:${pw}@`, 'u:***@')}"]`), r.config);

    // The log: the password never as a credential, and *** only where one was.
    assert.ok(!r.stderr.includes(`u:${pw}@`), `${what}: the log shows the password` + r.stderr);
    assert.ok(!r.stderr.replace(/u:\*\*\*@/g, '').includes('***'), `${what}: *** in the log besides a URL's password\n${r.stderr}`);
    assert.match(r.stderr, /Adding turn server: turn:\/\/u:\*\*\*@127\.0\.0\.1:3478/, `${what}: GStreamer's line`);
    assert.match(r.stderr, /joined room/);
    if (serverUrl !== words.url) assert.match(r.stderr, /connecting to ws:\/\/u:\*\*\*@127\.0\.0\.1:\d+\/socket\.io\//);
    console.log(`${what}: report, ${r.stats.length} stats lines, /metrics and --print-config as without it; log masked`);
  }
  stay.proc.kill('SIGTERM');
  await stay.done;
} finally {
  await words.stop();
}
