// Raspberry Pi camera modules and models (issue 13). The build machine has no Pi, no camera and
// no hardware H.264 encoder, so this checks what a user sees of them here:
// - a faked Pi 5 (ROOMPEER_DEVICE_TREE) with --video auto picks rpi5-camera and, finding no
//   camera, runs on without video (exit 0); a faked Pi 4 picks rpi4-camera, whose hardware
//   encoder is missing here: exit 4 naming v4l2h264enc (or, on a Pi 4, runs: exit 0);
// - no pick with --video-codec vp8, an explicit --preset, or another board;
// - --video libcamera[:ID] without a camera exits 4 saying so; a misspelt kind exits 2;
// - --list-devices --json says which API each camera is on.
// rpi5-camera itself plays in a real call in presets.test.mjs (its test source for the camera).
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOMPEER, startServer, startPeer, tmp, assert, explain } from './lib.mjs';

// Not --exists: it says no for libcamerasrc (whose plugin version is libcamera's, 0.0.3).
const hasElement = (name) => spawnSync('gst-inspect-1.0', [name]).status === 0;
assert.ok(hasElement('libcamerasrc'), 'libcamerasrc is missing: install gstreamer1.0-libcamera (scripts/setup)');

function fakeBoard(model) {
  const dir = join(tmp('roompeer-dt-'), 'device-tree');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'model'), `${model}\0`);
  return dir;
}

const server = await startServer();
const run = (name, args, env = {}) =>
  startPeer(name, ['--server', server.url, '--room', 'pi', '--audio', 'none', '--duration', '3', ...args],
    { env }).done;
const noCrash = (r) => assert.doesNotMatch(r.stderr, /Segmentation|Aborted|core dumped|terminate called|CRITICAL/,
  `${r.name} crashed` + explain(r));

try {
  // A Pi 5: software H.264; with no camera here, --video auto sends no video and runs on.
  const pi5 = await run('pi5', ['--video', 'auto'], { ROOMPEER_DEVICE_TREE: fakeBoard('Raspberry Pi 5 Model B Rev 1.0') });
  noCrash(pi5);
  assert.match(pi5.stderr, /--video auto on a Raspberry Pi 5 Model B Rev 1\.0: preset rpi5-camera/, explain(pi5));
  assert.match(pi5.stderr, /--video auto: no capture device found/, explain(pi5));
  assert.equal(pi5.code, 0, explain(pi5));
  console.log('faked Pi 5: picked rpi5-camera; no camera here, so no video, exit 0');

  // A Pi 4: the hardware encoder. Here it is missing, which is exit 4 naming the element.
  const pi4 = await run('pi4', ['--video', 'auto'], { ROOMPEER_DEVICE_TREE: fakeBoard('Raspberry Pi 4 Model B Rev 1.4') });
  noCrash(pi4);
  assert.match(pi4.stderr, /--video auto on a Raspberry Pi 4 Model B Rev 1\.4: preset rpi4-camera/, explain(pi4));
  if (hasElement('v4l2h264enc')) {
    assert.equal(pi4.code, 0, explain(pi4));
    console.log('faked Pi 4: picked rpi4-camera; this machine has v4l2h264enc, exit 0');
  } else {
    assert.equal(pi4.code, 4, explain(pi4));
    assert.match(pi4.stderr, /'v4l2h264enc' is missing: install the Debian package gstreamer1\.0-plugins-good/, explain(pi4));
    console.log('faked Pi 4: picked rpi4-camera; no hardware encoder here: exit 4 naming v4l2h264enc');
  }

  // No pick: the user asked for VP8 (which the log says), named a preset, or the board is no
  // Pi we know.
  const vp8 = await run('pi4-vp8', ['--video', 'auto', '--video-codec', 'vp8'],
    { ROOMPEER_DEVICE_TREE: fakeBoard('Raspberry Pi 4 Model B Rev 1.4') });
  noCrash(vp8);
  assert.match(vp8.stderr, /--video auto on a Raspberry Pi 4 Model B Rev 1\.4: not preset rpi4-camera \(--video-codec vp8\)/, explain(vp8));
  assert.equal(vp8.code, 0, explain(vp8));
  const cases = [
    ['pi4-preset', ['--video', 'auto', '--preset', 'vp8-realtime'], 'Raspberry Pi 4 Model B Rev 1.4'],
    ['pi5-test', ['--video', 'test'], 'Raspberry Pi 5 Model B Rev 1.0'],
    ['other-board', ['--video', 'auto'], 'Pine64 RockPro64 v2.1'],
  ];
  for (const [name, args, model] of cases) {
    const r = await run(name, args, { ROOMPEER_DEVICE_TREE: fakeBoard(model) });
    noCrash(r);
    assert.doesNotMatch(r.stderr, /preset rpi[45]-camera/, `${name}: no model pick` + explain(r));
    assert.equal(r.code, 0, explain(r));
  }
  console.log('no pick with --video-codec vp8, with --preset, with --video test, or on another board');

  // --video libcamera with no camera: exit 4 and a message that says what to check.
  for (const video of ['libcamera', 'libcamera:/base/soc/i2c0mux/i2c@1/imx219@10']) {
    const r = await run('nocam', ['--video', video]);
    noCrash(r);
    assert.equal(r.code, 4, `--video ${video} without a camera exits 4` + explain(r));
    assert.match(r.stderr, /--video libcamera: libcamera finds no camera \(is a camera module connected/, explain(r));
  }
  console.log('--video libcamera[:ID] without a camera: exit 4, "libcamera finds no camera"');
} finally {
  await server.stop();
}

const bad = spawnSync(ROOMPEER, ['--server', 'http://127.0.0.1:1', '--room', 'x', '--video', 'libcam'], { encoding: 'utf8' });
assert.equal(bad.status, 2, bad.stderr);
assert.match(bad.stderr, /--video: 'libcam' is not one of test, v4l2\[:DEVICE\], libcamera\[:CAMERA-ID\], none, auto/);

const js = spawnSync(ROOMPEER, ['--list-devices', '--json'], { encoding: 'utf8', timeout: 20000 });
assert.equal(js.status, 0, js.stderr);
for (const d of JSON.parse(js.stdout).video) assert.equal(typeof d.api, 'string', js.stdout);
console.log('a misspelt --video exits 2; --list-devices --json gives each camera its api');
