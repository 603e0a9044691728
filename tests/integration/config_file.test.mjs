// --config FILE and --print-config with the real binary: a call configured only by a file
// (a flag overriding one key), the print -> read -> print round trip with values that need
// quoting (JSON, gst-launch fragments with commas, '#' and quotes, lists), and bad files
// rejected with exit 2 and a message naming the file and the key or line.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOMPEER, startServer, startPeer, tmp, assert, assertDecodedAll, explain } from './lib.mjs';

const dir = tmp('roompeer-config-');
const run = (args) => spawnSync(ROOMPEER, args, { encoding: 'utf8' });

// Round trip: every kind of value survives print -> read -> print unchanged.
{
  const args = ['--server', 'http://127.0.0.1:9/x', '--room', 'rt', '--name', 'n "quoted" #1',
    '--user-json', '{"role":"cam","tags":["a","b"],"note":"x # y, z"}',
    '--video-pipeline', 'videotestsrc ! video/x-raw,width=320,height=240 ! identity name="a#b"',
    '--audio-pipeline', "audiotestsrc wave=sine freq=220",
    '--sink', 'fake', '--sink', 'file:/tmp/rec dir', '--stun', 'none', '--ice-address', '127.0.0.1',
    '--fps', '25', '--duration', '2.5', '--expect-peers', '2', '-v', '-v', '--latency', '80'];
  const first = run([...args, '--print-config']);
  assert.equal(first.status, 0, first.stderr);
  assert.match(first.stdout, /^fps = 25$/m);
  assert.match(first.stdout, /^verbose = 2$/m);
  assert.match(first.stdout, /^sink = \["fake", "file:\/tmp\/rec dir"\]$/m);
  assert.match(first.stdout, /^stun = \["none"\]$/m);
  const file = join(dir, 'rt.toml');
  writeFileSync(file, first.stdout);
  const second = run(['--config', file, '--print-config']);
  assert.equal(second.status, 0, second.stderr);
  assert.equal(second.stdout, first.stdout, 'print-config of the printed file is the same file');
  console.log(`round trip: ${first.stdout.split('\n').filter((l) => /^[a-z]/.test(l)).length} keys identical`);
}

// Defaults alone read back too (a counted flag at 0 stays 0, not quiet).
{
  const first = run(['--server', 'http://127.0.0.1:9', '--room', 'd', '--print-config']);
  const file = join(dir, 'defaults.toml');
  writeFileSync(file, first.stdout);
  const second = run(['--config', file, '--print-config']);
  assert.equal(second.stdout, first.stdout);
}

// Flags override the file, key by key.
{
  const file = join(dir, 'over.toml');
  writeFileSync(file, 'server = "http://127.0.0.1:9"\nroom = "r"\nfps = 15\nname = "from-file"\n');
  const r = run(['--config', file, '--fps', '20', '--print-config']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^fps = 20$/m);
  assert.match(r.stdout, /^name = "from-file"$/m);
}

// Bad files: exit 2 (the usage code), the file named, the key or line named.
const bad = [
  ['unknown.toml', 'server = "http://h"\nroom = "r"\nframerate = 30\n', [/unknown\.toml: line 3: unknown key 'framerate'/]],
  ['range.toml', 'server = "http://h"\nroom = "r"\n\nfps = 500\n', [/range\.toml: line 4: --fps/]],
  ['type.toml', 'server = "http://h"\nroom = "r"\nfps = "fast"\n', [/type\.toml: line 3: --fps/]],
  ['size.toml', 'server = "http://h"\nroom = "r"\nvideo-size = "big"\n', [/size\.toml: line 3: --video-size/]],
  ['syntax.toml', 'server = "http://h"\nroom = unquoted\n', [/syntax\.toml: line 2: .*quote strings/]],
  ['table.toml', '[media]\nfps = 30\n', [/table\.toml: line 1: tables/]],
  ['array.toml', 'server = "http://h"\nroom = ["a", "b"]\n', [/array\.toml: line 2: 'room' takes one value/]],
  ['twice.toml', 'room = "a"\nroom = "b"\n', [/twice\.toml: line 2: 'room' is set twice/]],
  ['noconf.toml', 'print-config = true\n', [/noconf\.toml: line 1: 'print-config' cannot be set/]],
  ['json.toml', 'server = "http://h"\nroom = "r"\nuser-json = "[1,2]"\n', [/json\.toml: line 3: --user-json/]],
];
for (const [name, text, says] of bad) {
  const file = join(dir, name);
  writeFileSync(file, text);
  const r = run(['--config', file]);
  assert.equal(r.status, 2, `${name}: exit 2\n${r.stderr}`);
  for (const re of says) assert.match(r.stderr, re, `${name}: ${r.stderr}`);
  assert.doesNotMatch(r.stderr, /terminate called|Aborted|CRITICAL/, r.stderr);
}
{
  const r = run(['--config', join(dir, 'nope.toml')]);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /--config .*nope\.toml: cannot read the file \(no such file\)/, r.stderr);
}
// A value given as a flag is the flag's mistake, not the file's.
{
  const file = join(dir, 'fine.toml');
  writeFileSync(file, 'server = "http://h"\nroom = "r"\nfps = 30\n');
  const r = run(['--config', file, '--fps', '0']);
  assert.equal(r.status, 2);
  assert.doesNotMatch(r.stderr, /fine\.toml/, r.stderr);
}
console.log(`${bad.length + 2} bad config files rejected with exit 2, naming file and key`);

// A call where one member is configured only by its file, and a flag overrides its name.
const server = await startServer();
try {
  const file = join(dir, 'camera.toml');
  writeFileSync(file, [
    '# a camera node', `server = "${server.url}"`, 'room = "cfg"', 'name = "file-name"',
    "user-json = '{\"role\":\"camera\",\"floor\":2}'", 'video-size = "320x240"', 'fps = 30',
    'duration = 9', 'expect-peers = 1', 'expect-frames = 60', 'sink = ["fake"]', '',
  ].join('\n'));
  // startPeer passes --name NAME: the flag that overrides the file's name.
  const a = startPeer('flag-name', ['--config', file]);
  await a.waitForLog(/joined room 'cfg'/);
  const b = startPeer('b-cfg', ['--server', server.url, '--room', 'cfg', '--duration', '7', '--expect-peers', '1', '--expect-frames', '60']);
  const [ra, rb] = await Promise.all([a.done, b.done]);
  for (const r of [ra, rb]) {
    assert.equal(r.code, 0, explain(r));
    assertDecodedAll(r, 1, 60);
  }
  assert.deepEqual(rb.report.peers[0].user, { role: 'camera', floor: 2, name: 'flag-name', id: ra.report.self_id }, explain(rb));
  assert.equal(rb.report.peers[0].video.width, 320, explain(rb));
  assert.equal(ra.report.room, 'cfg');
  console.log(`call from a config file: receiver got ${rb.report.peers[0].video.frames_decoded} frames at 320x240 from '${rb.report.peers[0].user.name}'`);
} finally {
  await server.stop();
}
