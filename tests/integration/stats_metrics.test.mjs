// Watching a call from outside: one roompeer writes --stats JSON lines every 0.5 s and serves
// /metrics (Prometheus text); during the call the test scrapes the endpoint, after it reads the
// lines. Counters must rise, RTT (from RTCP receiver reports) must show up, and nothing of the
// terminal status line may leak into a log that is not a terminal.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, startPeer, waitUntil, tmp, assert, explain } from './lib.mjs';

const dir = tmp();
const statsPath = join(dir, 'alice.stats.jsonl');
const server = await startServer();
try {
  const a = startPeer('alice', ['--server', server.url, '--room', 'watch', '--duration', '10',
    '--expect-peers', '1', '--stats', statsPath, '--stats-interval', '0.5', '--metrics-port', '0'], { dir });
  await a.waitForLog(/metrics at (http:\/\/127\.0\.0\.1:\d+\/metrics)/);
  const url = a.stderr().match(/metrics at (http:\/\/127\.0\.0\.1:\d+\/metrics)/)[1];

  // Before anyone joined: process metrics only, no peer series.
  let res = await fetch(url);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
  let text = await res.text();
  assert.match(text, /^roompeer_up 1$/m);
  assert.match(text, /^# TYPE roompeer_members gauge$/m);
  assert.doesNotMatch(text, /^roompeer_peer_\w+\{/m);
  assert.equal((await fetch(url.replace('/metrics', '/other'))).status, 404);

  const b = startPeer('bob', ['--server', server.url, '--room', 'watch', '--duration', '8',
    '--expect-peers', '1'], { dir });
  await a.waitForLog(/: first video frame/);
  const series = (name) => {
    const m = text.match(new RegExp(`^${name}\\{peer="([^"]+)"(?:,name="[^"]*")?\\} (\\S+)$`, 'm'));
    return m ? { peer: m[1], v: Number(m[2]) } : null;
  };
  const value = (name) => {
    const v = series(name);
    assert.ok(v, `no ${name} with a peer label in:\n${text}`);
    return v;
  };
  // Scrape until the call is in full flow (the thresholds asserted below), not for a fixed time.
  const flowing = () => [['roompeer_peer_frames_decoded_total', 30], ['roompeer_peer_frames_sent_total', 30],
    ['roompeer_peer_receive_frames_per_second', 10], ['roompeer_peer_receive_bits_per_second', 50000]]
    .every(([name, min]) => (series(name)?.v ?? 0) > min);
  await waitUntil('/metrics shows the call in full flow', async () => {
    res = await fetch(url);
    text = await res.text();
    return res.status === 200 && flowing();
  }, { ms: 20000, detail: () => text + a.stderr() });
  for (const line of text.split('\n').filter((l) => l && !l.startsWith('#')))
    assert.match(line, /^roompeer_/, line);
  for (const name of new Set(text.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(/[{ ]/)[0]))) {
    assert.match(text, new RegExp(`^# HELP ${name} `, 'm'));
    assert.match(text, new RegExp(`^# TYPE ${name} (gauge|counter)$`, 'm'));
  }
  assert.match(text, /^roompeer_members 1$/m, text);
  assert.match(text, /^roompeer_connected 1$/m, text);
  const bytesIn = value('roompeer_peer_bytes_received_total');
  assert.ok(bytesIn.v > 10000, text);
  assert.ok(value('roompeer_peer_bytes_sent_total').v > 10000, text);
  assert.ok(value('roompeer_peer_frames_decoded_total').v > 30, text);
  assert.ok(value('roompeer_peer_frames_sent_total').v > 30, text);
  assert.ok(value('roompeer_peer_receive_frames_per_second').v > 10, text);
  assert.ok(value('roompeer_peer_receive_bits_per_second').v > 50000, text);
  console.log(`/metrics during the call: ${text.split('\n').length} lines, ` +
    `bytes in ${bytesIn.v}, fps in ${value('roompeer_peer_receive_frames_per_second').v}`);

  const [ra, rb] = await Promise.all([a.done, b.done]);
  assert.equal(ra.code, 0, explain(ra));
  assert.equal(rb.code, 0, explain(rb));
  const bobId = ra.report.peers[0].id;
  assert.equal(bytesIn.peer, bobId, 'metrics are labelled with the peer id');

  const lines = readFileSync(statsPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.ok(lines.length >= 12, `${lines.length} stats lines in 10 s at 0.5 s`);
  for (const l of lines) {
    assert.equal(typeof l.time, 'string');
    assert.ok(!Number.isNaN(Date.parse(l.time)), l.time);
    assert.equal(l.room, 'watch');
    assert.ok(Array.isArray(l.peers));
  }
  for (let i = 1; i < lines.length; i++) assert.ok(lines[i].uptime_s > lines[i - 1].uptime_s);
  const withBob = lines.map((l) => l.peers.find((p) => p.id === bobId)).filter((p) => p);
  assert.ok(withBob.length >= 8, `bob in ${withBob.length} lines`);
  for (let i = 1; i < withBob.length; i++) {
    for (const k of ['bytes_received', 'bytes_sent', 'packets_received', 'packets_sent', 'frames_decoded', 'frames_sent'])
      assert.ok(withBob[i][k] >= withBob[i - 1][k], `${k} went back: ${JSON.stringify(withBob.slice(i - 1, i + 1))}`);
  }
  const connected = withBob.filter((p) => p.state === 'connected');
  const first = connected[0], last = connected[connected.length - 1];
  assert.ok(last.bytes_received > first.bytes_received && last.frames_decoded > first.frames_decoded,
    'counters rise over the call');
  const busy = connected.filter((p) => p.fps_in > 20 && p.kbps_in > 100 && p.fps_out > 20 && p.kbps_out > 100);
  assert.ok(busy.length >= 4, `lines with fps and bitrate both ways: ${busy.length}\n` + JSON.stringify(connected));
  for (const p of connected) {
    assert.ok(p.jitter_ms === null || p.jitter_ms >= 0);
    assert.ok(p.packets_lost >= 0, 'no loss on loopback');
  }
  const rtts = connected.map((p) => p.rtt_ms).filter((v) => v !== null);
  assert.ok(rtts.length >= 1, 'RTT from RTCP appears during the call\n' + JSON.stringify(connected));
  assert.ok(rtts.every((v) => v > 0 && v < 1000), JSON.stringify(rtts));
  console.log(`${lines.length} stats lines, bob in ${withBob.length}; RTT in ${rtts.length} of ` +
    `${connected.length} connected lines, first after ${connected.findIndex((p) => p.rtt_ms !== null) * 0.5} s; ` +
    `last: ${JSON.stringify(last)}`);

  // stderr is a pipe here: no status line, no terminal escapes.
  assert.doesNotMatch(ra.stderr, /\x1b\[K|\r/, 'status line on a non-terminal');
  console.log('stats lines and /metrics: ok');
} finally {
  await server.stop();
}
