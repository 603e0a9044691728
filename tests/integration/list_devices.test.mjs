// --list-devices needs no server or room, exits 0, and says when there is nothing; --json is
// valid JSON with `video` and `audio` arrays whose entries carry formats. (The build machine
// has no camera: then both lists are empty and the text says so.)
import { spawnSync } from 'node:child_process';
import { ROOMPEER, assert } from './lib.mjs';

const text = spawnSync(ROOMPEER, ['--list-devices'], { encoding: 'utf8', timeout: 20000 });
assert.equal(text.status, 0, text.stderr);
assert.match(text.stdout, /^Cameras/m);
assert.match(text.stdout, /^Audio capture/m);
assert.match(text.stdout, /^Hardware H\.264 encoder: /m);

const js = spawnSync(ROOMPEER, ['--list-devices', '--json'], { encoding: 'utf8', timeout: 20000 });
assert.equal(js.status, 0, js.stderr);
const list = JSON.parse(js.stdout);
assert.ok(Array.isArray(list.video) && Array.isArray(list.audio), js.stdout);
assert.ok(list.hardware_h264_encoder === null || typeof list.hardware_h264_encoder === 'string');
for (const d of [...list.video, ...list.audio]) {
  assert.equal(typeof d.name, 'string');
  assert.ok(Array.isArray(d.formats));
}
if (list.video.length === 0) assert.match(text.stdout, /no cameras found/);
if (list.audio.length === 0) assert.match(text.stdout, /no audio capture devices found/);
for (const d of list.video) assert.ok(text.stdout.includes(d.name), `${d.name} listed in the text too`);

const alone = spawnSync(ROOMPEER, ['--json'], { encoding: 'utf8' });
assert.equal(alone.status, 2, '--json without --list-devices is a usage error');
console.log(`list-devices: ${list.video.length} cameras, ${list.audio.length} audio devices, hardware encoder ${list.hardware_h264_encoder}`);
