// TURN for real: coturn on 127.0.0.1 (started here, own database, one long-term-credential
// user) and two roompeers with --ice-transport-policy relay. Media must flow through the relay:
// both decode frames, both report a relay/relay selected pair, and coturn logs the allocations
// and permissions. The TURN password appears nowhere: logs (also at -v and in GStreamer's own
// debug lines), report.
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, startPeer, sleep, tmp, assert, assertDecodedAll, explain } from './lib.mjs';

const PASSWORD = 'pw-Xq7-secret';
const dir = tmp('roompeer-turn-');
// The test owns its network namespace: fixed ports cannot collide with anything.
const PORT = 34780;

async function startCoturn() {
  const proc = spawn('turnserver', [
    '-n', // no configuration file: everything is on this line
    '--listening-ip', '127.0.0.1', '--relay-ip', '127.0.0.1', '--listening-port', String(PORT),
    '--min-port', '49152', '--max-port', '49407',
    '--lt-cred-mech', '--user', `roompeer:${PASSWORD}`, '--realm', 'roompeer.test',
    // coturn refuses to relay to 127.0.0.0/8 unless told: both members live there.
    '--allow-loopback-peers',
    '--no-cli', '--no-tls', '--no-dtls', '--no-multicast-peers',
    '--userdb', join(dir, 'turndb'), '--pidfile', join(dir, 'turnserver.pid'),
    '--log-file', 'stdout', '--simple-log', '--verbose',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  proc.stdout.on('data', (d) => { log += d; });
  proc.stderr.on('data', (d) => { log += d; });
  const t0 = Date.now();
  while (!/Total (UDP|General) servers|IPv4\. UDP listener opened on/.test(log)) {
    if (proc.exitCode !== null) throw new Error(`turnserver exited ${proc.exitCode}:\n${log}`);
    if (Date.now() - t0 > 10000) throw new Error(`turnserver did not start:\n${log}`);
    await sleep(100);
  }
  return {
    log: () => log,
    stop: async () => {
      if (proc.exitCode !== null) return;
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
    },
  };
}

const coturn = await startCoturn();
const server = await startServer();
try {
  const turnUrl = `turn://roompeer:${PASSWORD}@127.0.0.1:${PORT}`;
  const relay = ['--turn', turnUrl, '--ice-transport-policy', 'relay'];
  const a = startPeer('alice', ['--server', server.url, '--room', 'turn', '--duration', '8',
    '--expect-peers', '1', '--expect-frames', '60', '-v', ...relay],
  // webrtcbin's own debug line names the TURN server: it must arrive redacted.
  { dir, env: { GST_DEBUG: 'webrtcbin:5' } });
  await a.waitForLog(/joined room 'turn'/);
  const b = startPeer('bob', ['--server', server.url, '--room', 'turn', '--duration', '6',
    '--expect-peers', '1', '--expect-frames', '60', ...relay], { dir });
  const [ra, rb] = await Promise.all([a.done, b.done]);
  for (const r of [ra, rb]) {
    assert.equal(r.code, 0, explain(r) + '\n--- coturn\n' + coturn.log().slice(-3000));
    assertDecodedAll(r, 1, 60);
    assert.deepEqual(r.report.peers[0].selected_pair,
      { local_type: 'relay', remote_type: 'relay', protocol: 'udp' }, explain(r));
    assert.ok(!r.stderr.includes(PASSWORD), `${r.name} logged the TURN password` + explain(r));
    assert.ok(!JSON.stringify(r.report).includes(PASSWORD), `${r.name} reported the TURN password`);
    console.log(`${r.name} via TURN: ${r.report.peers[0].video.frames_decoded} frames, pair ${JSON.stringify(r.report.peers[0].selected_pair)}`);
  }
  assert.ok(ra.stderr.includes(`turn://roompeer:***@127.0.0.1:${PORT}`), 'GStreamer debug line, redacted' + explain(ra).slice(0, 3000));
  // coturn saw two members allocate and open permissions, and relayed for them.
  const log = coturn.log();
  const allocations = log.match(/user <roompeer>: incoming packet ALLOCATE processed, success/g) ?? [];
  assert.ok(allocations.length >= 2, `coturn allocations: ${allocations.length}\n${log.slice(-3000)}`);
  assert.match(log, /CREATE_PERMISSION processed, success|CHANNEL_BIND processed, success/);
  console.log(`coturn: ${allocations.length} allocations`);

  // A wrong password: the relay refuses, nothing connects, the password is still not printed.
  const wrong = `turn://roompeer:wrong-${PASSWORD}@127.0.0.1:${PORT}`;
  const c = startPeer('carol', ['--server', server.url, '--room', 'turn-bad', '--duration', '6',
    '--turn', wrong, '--ice-transport-policy', 'relay', '-v'], { dir });
  await c.waitForLog(/joined room 'turn-bad'/);
  const d = startPeer('dave', ['--server', server.url, '--room', 'turn-bad', '--duration', '4',
    '--turn', wrong, '--ice-transport-policy', 'relay', '--expect-peers', '1'], { dir });
  const [rc, rd] = await Promise.all([c.done, d.done]);
  assert.equal(rd.code, 1, 'no relay, no call' + explain(rd));
  for (const r of [rc, rd]) {
    assert.ok(!r.stderr.includes(PASSWORD), explain(r));
    assert.ok(r.report.peers.every((p) => p.selected_pair === null), explain(r));
  }

  // Policy relay without a TURN server can never connect: a usage error, not a silent hang.
  const none = await startPeer('nobody', ['--server', server.url, '--room', 'turn', '--ice-transport-policy', 'relay'], { dir }).done;
  assert.equal(none.code, 2, explain(none));
  assert.match(none.stderr, /--ice-transport-policy relay needs a TURN server \(--turn\)/);
  console.log('TURN relay: media through coturn, selected pair relay/relay: ok');
} finally {
  await server.stop();
  await coturn.stop();
  rmSync(dir, { recursive: true, force: true });
}
