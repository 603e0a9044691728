// 50 join/leave cycles of a second member against one long-running roompeer: its open file
// descriptors return to the baseline (within 5), and its memory does not keep growing: less
// than 15 MB over the second 25 cycles (a leak grows with every call; what the first calls
// warm up, glibc's per-thread malloc arenas for one, does not), under 30 MB in all.
// (Removing a webrtcbin leaks sockets unless it is torn down carefully in GStreamer 1.22.)
import { startServer, startPeer, waitUntil, assert, explain } from './lib.mjs';
import { readdirSync, readFileSync } from 'node:fs';

const CYCLES = Number(process.env.CHURN_CYCLES ?? 50);
const fds = (pid) => readdirSync(`/proc/${pid}/fd`).length;
const rssMb = (pid) => Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1]) / 1024;

// Waits until the host has ended the call of every member it met (it logged "peer X: left"
// for each "peer X: joined"), then until its descriptor count holds still (closing a call's
// sockets finishes on the main loop right after): the state to measure in.
async function hostIdle(host, pid) {
  const ids = (what) => new Set([...host.stderr().matchAll(new RegExp(`peer (\\S+): ${what}`, 'g'))].map((m) => m[1]));
  await waitUntil('the host ended every call', () => {
    const left = ids('left');
    return [...ids('joined')].every((id) => left.has(id));
  }, { ms: 20000, detail: host.stderr });
  let last = -1, same = 0;
  await waitUntil('the host\'s descriptors settle', () => {
    const n = fds(pid);
    same = n === last ? same + 1 : 0;
    last = n;
    return same >= 3;
  }, { ms: 10000 });
}

const server = await startServer(['--quiet']);
try {
  const common = ['--server', server.url, '--room', 'churn'];
  const host = startPeer('host', [...common]);
  await host.waitForLog(/joined room/);
  const pid = host.proc.pid;
  // Warm up once so lazily loaded plugins and pools count in the baseline.
  const warm = startPeer('warm', [...common, '--duration', '3']);
  await warm.done;
  await host.waitForLog(/peer \S+: left/);
  await hostIdle(host, pid);
  const fd0 = fds(pid);
  const rss0 = rssMb(pid);
  let connected = 0;
  let rssMid = null;
  for (let i = 0; i < CYCLES; i++) {
    if (i === Math.floor(CYCLES / 2)) {
      await hostIdle(host, pid);
      rssMid = rssMb(pid);
    }
    const guest = startPeer(`guest${i}`, [...common, '--duration', '1.5']);
    const r = await guest.done;
    if (r.report?.peers?.some((p) => p.video.frames_decoded > 0)) connected++;
  }
  await hostIdle(host, pid);
  const fd1 = fds(pid);
  const rss1 = rssMb(pid);
  host.proc.kill('SIGINT');
  const rh = await host.done;
  assert.equal(rh.code, 0, explain(rh));
  console.log(`${CYCLES} cycles (${connected} got video): fds ${fd0} -> ${fd1}, RSS ${rss0.toFixed(1)} -> ${rssMid.toFixed(1)} (half way) -> ${rss1.toFixed(1)} MB`);
  assert.ok(connected >= CYCLES * 0.8, `only ${connected} of ${CYCLES} guests got video from the host`);
  // Every guest whose call got going is in the report (one that left before its offer
  // arrived never met the host).
  assert.ok(rh.report.peers.length >= connected + 1, 'every guest that called is in the report');
  assert.ok(Math.abs(fd1 - fd0) <= 5, `file descriptors ${fd0} -> ${fd1}`);
  assert.ok(rss1 - rssMid < 15, `RSS grew ${(rss1 - rssMid).toFixed(1)} MB over the second ${CYCLES - Math.floor(CYCLES / 2)} cycles`);
  assert.ok(rss1 - rss0 < 30, `RSS grew ${(rss1 - rss0).toFixed(1)} MB`);
  console.log('no leaks under churn: ok');
} finally {
  await server.stop();
}
