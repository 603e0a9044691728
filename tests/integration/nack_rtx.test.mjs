// Lost packets come back: a roompeer pair over a lossy link (tests/netshape: 2 Mbit/s each way,
// 3% of UDP packets dropped each way) negotiates NACK and RTX; each receiver's jitter buffer
// asks for what it lost (nack_count), the sender retransmits (nacks_received) and the
// retransmissions repair the stream (packets_repaired), so video keeps decoding at a normal
// rate. All read from the --stats lines (webrtcbin's get-stats), not from logs.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { startServer, startPeer, waitForJoin, assert, explain, ROOT } from './lib.mjs';

const NETSHAPE = join(ROOT, 'tests', 'netshape');
const shape = (...args) => {
  const r = spawnSync(NETSHAPE, args, { encoding: 'utf8' });
  assert.equal(r.status, 0, `netshape ${args.join(' ')}: ${r.stderr}`);
};

const server = await startServer();
try {
  shape('set', '127.0.0.2', '--up', '2000', '--down', '2000', '--loss', '3');
  const args = ['--server', server.url, '--room', 'lossy', '--duration', '60', '--expect-peers', '1'];
  const a = startPeer('alice', args, { stats: true });
  await waitForJoin(server, a, 'lossy');
  const b = startPeer('bob', args, { stats: true, iceAddress: '127.0.0.2' });

  // 3% loss of ~100 packets/s each way: within 300 frames (10 s) both sides lost, asked for and
  // got back dozens of packets.
  const recovered = (s) => s.peers.some((p) => p.frames_decoded >= 300 && p.packets_repaired >= 5);
  for (const p of [a, b]) {
    await p.waitForStats(recovered, { ms: 45000, what: '300 frames and 5 repaired packets' });
  }
  // A further 5 s of the call to measure the decoded frame rate under loss.
  const t0 = { a: a.stats(), b: b.stats() };
  await b.waitForStats((s) => s.uptime_s >= t0.b.uptime_s + 5, { ms: 15000, what: '5 s more' });
  const t1 = { a: a.stats(), b: b.stats() };
  b.proc.kill('SIGINT');
  a.proc.kill('SIGINT');
  const [ra, rb] = await Promise.all([a.done, b.done]);

  for (const [who, before, after, r] of [['alice', t0.a, t1.a, ra], ['bob', t0.b, t1.b, rb]]) {
    const p = after.peers[0];
    const q = before.peers.find((x) => x.id === p.id);
    const fps = (p.frames_decoded - q.frames_decoded) / (after.uptime_s - before.uptime_s);
    console.log(`${who}: sent ${p.nack_count} NACKs, repaired ${p.packets_repaired}, ` +
      `got ${p.nacks_received} NACKs; ${fps.toFixed(1)} fps decoded under 3% loss`);
    assert.ok(p.nack_count > 0, `${who} asked for retransmissions` + JSON.stringify(p) + explain(r));
    assert.ok(p.packets_repaired > 0, `${who} got packets back` + JSON.stringify(p) + explain(r));
    assert.ok(p.nacks_received > 0, `${who} was asked to retransmit` + JSON.stringify(p) + explain(r));
    assert.ok(fps >= 20, `${who} decodes ${fps.toFixed(1)} fps under 3% loss` + explain(r));
  }
  console.log('nack-rtx: lost packets are recovered: ok');
} finally {
  spawnSync(NETSHAPE, ['clear', '127.0.0.2']);
  await server.stop();
}
