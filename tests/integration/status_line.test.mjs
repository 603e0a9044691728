// On a terminal roompeer keeps one status line under its log (members, state, fps, kbit/s,
// RTT), takes it away before every log line and at exit. Run under a pseudo-terminal with
// util-linux script(1); with --quiet there is no status line.
import { spawn } from 'node:child_process';
import { startServer, startPeer, ROOMPEER, assert, explain } from './lib.mjs';

const quote = (s) => `'${s.replace(/'/g, `'\\''`)}'`;
function underPty(args) {
  const cmd = [ROOMPEER, ...args].map(quote).join(' ');
  const proc = spawn('script', ['-qfec', `stty cols 200; exec ${cmd}`, '/dev/null'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout.on('data', (d) => { out += d; });
  proc.stderr.on('data', (d) => { out += d; });
  return new Promise((resolve) => proc.on('exit', (code) => resolve({ code, out })));
}

const server = await startServer();
try {
  const common = ['--server', server.url, '--ice-address', '127.0.0.1', '--stun', 'none', '--sink', 'fake'];
  const b = startPeer('bob', ['--server', server.url, '--room', 'tty', '--duration', '9']);
  await b.waitForLog(/joined room/);
  const [tty, quiet] = await Promise.all([
    underPty([...common, '--room', 'tty', '--name', 'alice', '--duration', '6', '--expect-peers', '1']),
    underPty([...common, '--room', 'tty', '--name', 'carol', '--duration', '6', '--quiet']),
  ]);
  const rb = await b.done;
  const show = (o) => JSON.stringify(o.out.slice(-3000));
  assert.equal(tty.code, 0, show(tty) + explain(rb));
  // Each redraw is \r + clear-to-end-of-line + the text, no newline.
  const redraws = [...tty.out.matchAll(/\r\x1b\[K(room tty: [^\r\n\x1b]*)/g)].map((m) => m[1]);
  assert.ok(redraws.length >= 3, `status redraws: ${redraws.length}\n${show(tty)}`);
  const busy = redraws.filter((s) => /^room tty: 2 members, 2 connected \| in \d+ fps \d+ kbit\/s \| out \d+ fps \d+ kbit\/s \| rtt \S+ ms$/.test(s));
  assert.ok(busy.length >= 1, 'a status line with members, fps, kbit/s and RTT\n' + redraws.join('\n'));
  assert.ok(busy.some((s) => /in (1\d|2\d|3\d)(-\d+)? fps/.test(s)), busy.join('\n'));
  // Log lines start on a clean line: right after a newline, or after the status was cleared;
  // never glued to the status text. (The pty turns \n into \r\n.)
  const out = tty.out.replace(/\r\n/g, '\n');
  let logLines = 0;
  for (const m of out.matchAll(/\d\d:\d\d:\d\d\.\d{3} /g)) {
    const before = out.slice(Math.max(0, m.index - 3), m.index);
    assert.ok(m.index === 0 || before.endsWith('\n') || before === '\x1b[K',
      'log line glued to the status: ' + JSON.stringify(out.slice(Math.max(0, m.index - 80), m.index + 40)));
    logLines++;
  }
  assert.ok(logLines >= 4, `${logLines} log lines`);
  assert.match(tty.out, /leaving the room/);
  // At exit the status is cleared: the last line on screen ends with a clear-to-end-of-line.
  const tail = out.slice(out.lastIndexOf('\n') + 1);
  assert.ok(tail === '' || /\r\x1b\[K$/.test(tail), 'status line left on the terminal at exit: ' + JSON.stringify(tail));
  console.log(`status line: ${redraws.length} redraws, e.g. "${busy[busy.length - 1]}"`);

  assert.doesNotMatch(quiet.out, /room tty:|\x1b\[K/, '--quiet shows no status line: ' + show(quiet));
  console.log('status line on a terminal, none with --quiet: ok');
} finally {
  await server.stop();
}
