// Every preset in pipelines/presets that this machine can run plays in a real call between
// two roompeer processes: the sender runs it with its test-source in place of the camera
// (--video test), the receiver decodes at least 60 frames at full size in the preset's codec.
// Presets that need hardware this machine lacks are skipped with the reason printed, and only
// those. Then the --video-pipeline / --audio-pipeline contract: raw or encoded fragments.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, ROOMPEER, startServer, startPeer, assert, assertDecodedAll, explain } from './lib.mjs';

const PRESETS = join(ROOT, 'pipelines', 'presets');
// Elements that only exist with hardware behind them: the one acceptable reason to skip.
const HARDWARE = new Set(['v4l2h264enc']);

const hasElement = (name) => spawnSync('gst-inspect-1.0', ['--exists', name]).status === 0;
const devices = JSON.parse(spawnSync(ROOMPEER, ['--list-devices', '--json'], { encoding: 'utf8' }).stdout);

// The two keys the test needs from a preset, read the way roompeer does (one line each).
function presetInfo(file) {
  const text = readFileSync(join(PRESETS, file), 'utf8');
  const codec = text.match(/^codec\s*=\s*"([^"]+)"/m)?.[1] ?? null;
  const req = text.match(/^requires\s*=\s*\[([^\]]*)\]/m)?.[1] ?? '';
  const requires = [...req.matchAll(/"([^"]+)"/g)].map((m) => m[1]);
  assert.match(text, /^# \S+: /, `${file} starts with a comment header naming and describing it`);
  return { name: file.replace(/\.preset$/, ''), codec, requires };
}

// One call: `a` sends with `aArgs`; `b` (same codec) receives. Returns [ra, rb].
async function call(server, room, codec, aArgs) {
  const common = ['--server', server.url, '--room', room, '--video-codec', codec, '--expect-peers', '1',
    '--expect-frames', '60', '-v'];
  const a = startPeer(`a-${room}`, [...common, ...aArgs, '--duration', '9']);
  await a.waitForLog(/joined room/);
  const b = startPeer(`b-${room}`, [...common, '--duration', '7']);
  const res = await Promise.all([a.done, b.done]);
  return res;
}

const presets = readdirSync(PRESETS).filter((f) => f.endsWith('.preset')).sort().map(presetInfo);
for (const required of ['rpi4-camera', 'rpi5-camera', 'rpi-h264', 'usb-mjpeg', 'camera-h264', 'x264-lowlatency', 'vp8-realtime'])
  assert.ok(presets.some((p) => p.name === required), `preset ${required} exists`);

const server = await startServer();
const played = [], skipped = [];
try {
  for (const p of presets) {
    const missing = p.requires.filter((e) => !hasElement(e));
    const needsHwEncoder = p.requires.includes('v4l2h264enc');
    if (missing.length || (needsHwEncoder && !devices.hardware_h264_encoder)) {
      const notHardware = missing.filter((e) => !HARDWARE.has(e));
      assert.deepEqual(notHardware, [], `${p.name}: missing ${notHardware} is not hardware: install it, do not skip`);
      const why = missing.length ? `element ${missing.join(', ')} missing` : 'no V4L2 M2M H.264 encoder device';
      console.log(`SKIP ${p.name}: needs a hardware H.264 encoder (${why}) on this machine`);
      // It still fails the way a user would see it: exit 4, naming the element.
      const r = spawnSync(ROOMPEER, ['--server', server.url, '--room', 'x', '--preset', p.name,
        '--video', 'test', '--ice-address', '127.0.0.1', '--stun', 'none', '--duration', '2'], { encoding: 'utf8' });
      if (missing.length) {
        assert.equal(r.status, 4, `${p.name} without its hardware exits 4\n${r.stderr}`);
        assert.match(r.stderr, new RegExp(missing[0]), r.stderr);
      }
      skipped.push(p.name);
      continue;
    }
    const codec = p.codec ?? 'vp8';
    const [ra, rb] = await call(server, p.name, codec, ['--preset', p.name, '--video', 'test']);
    for (const r of [ra, rb]) {
      assert.equal(r.code, 0, `${r.name} should pass` + explain(r));
      assertDecodedAll(r, 1, 60);
    }
    assert.match(ra.stderr, new RegExp(`video chain ${p.name}:`), 'the preset is the chain that ran' + explain(ra));
    const v = rb.report.peers[0].video;
    assert.equal(v.width, 640, explain(rb));
    assert.equal(v.height, 480, explain(rb));
    assert.match(rb.stderr, new RegExp(`receiving video ${codec}`, 'i'), explain(rb));
    console.log(`${p.name} (${codec}): receiver decoded ${v.frames_decoded} frames at ${v.width}x${v.height}`);
    played.push(p.name);
  }

  // Raw video at a size of its own and Opus straight from the fragment.
  {
    const [ra, rb] = await call(server, 'frag-raw', 'vp8', [
      '--video-pipeline', 'videotestsrc is-live=true pattern=snow ! video/x-raw,width=320,height=240,framerate=30/1',
      '--audio-pipeline', 'audiotestsrc is-live=true wave=square ! audioconvert ! audioresample ! audio/x-raw,rate=48000,channels=2 ! opusenc']);
    for (const r of [ra, rb]) assert.equal(r.code, 0, `${r.name} should pass` + explain(r));
    assertDecodedAll(rb, 1, 60);
    assert.equal(rb.report.peers[0].video.width, 320, explain(rb));
    assert.equal(rb.report.peers[0].video.height, 240, explain(rb));
    console.log(`--video-pipeline raw 320x240 + --audio-pipeline opus: ${rb.report.peers[0].video.frames_decoded} frames, ${rb.report.peers[0].audio.buffers_decoded} audio buffers`);
  }
  // H.264 already encoded by the fragment, sent as is; raw audio encoded by roompeer.
  {
    const [ra, rb] = await call(server, 'frag-h264', 'h264', [
      '--video-pipeline', 'videotestsrc is-live=true ! video/x-raw,width={width},height={height},framerate={fps}/1 ! x264enc tune=zerolatency speed-preset=ultrafast threads=2 key-int-max={gop} ! video/x-h264,profile=constrained-baseline',
      '--audio-pipeline', 'audiotestsrc is-live=true wave=triangle']);
    for (const r of [ra, rb]) assert.equal(r.code, 0, `${r.name} should pass` + explain(r));
    assertDecodedAll(rb, 1, 60);
    assert.equal(rb.report.peers[0].video.width, 640, explain(rb));
    assert.match(rb.stderr, /receiving video h264/i, explain(rb));
    assert.match(ra.stderr, /video chain --video-pipeline: .*x264enc.* ! h264parse/, 'encoded output is only framed, not re-encoded' + explain(ra));
    assert.doesNotMatch(ra.stderr, /video chain --video-pipeline: .*venc/, explain(ra));
    console.log(`--video-pipeline h264 + --audio-pipeline raw: ${rb.report.peers[0].video.frames_decoded} frames`);
  }
  // A fragment that makes neither raw video nor the codec: a media error that says so.
  {
    const r = spawnSync(ROOMPEER, ['--server', server.url, '--room', 'bad', '--video-pipeline', 'audiotestsrc',
      '--ice-address', '127.0.0.1', '--stun', 'none', '--duration', '2'], { encoding: 'utf8' });
    assert.equal(r.status, 4, r.stderr);
    assert.match(r.stderr, /neither raw video nor vp8/, r.stderr);
  }
} finally {
  await server.stop();
}
assert.ok(played.length >= 4, `played ${played}`);
console.log(`presets played: ${played.join(', ')}; skipped (hardware): ${skipped.join(', ') || 'none'}`);
