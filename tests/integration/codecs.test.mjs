// Every --video-codec works end to end: two roompeer processes send each other H.264 and VP9
// (VP8, the default, is covered by two_peers). Each side decodes the other at full size.
import { spawnSync } from 'node:child_process';
import { ROOMPEER, startServer, startPeer, assert, assertDecodedAll, explain } from './lib.mjs';

// Without a preset, h264 means the hardware encoder when the machine has one, else x264.
const hw = JSON.parse(spawnSync(ROOMPEER, ['--list-devices', '--json'], { encoding: 'utf8' }).stdout).hardware_h264_encoder;

const server = await startServer();
try {
  for (const codec of ['h264', 'vp9']) {
    const room = `codec-${codec}`;
    const common = ['--server', server.url, '--room', room, '--video-codec', codec, '--expect-peers', '1',
      '--expect-frames', '60', '-v'];
    const a = startPeer(`a-${codec}`, [...common, '--duration', '9']);
    await a.waitForLog(/joined room/);
    const b = startPeer(`b-${codec}`, [...common, '--duration', '7']);
    const [ra, rb] = await Promise.all([a.done, b.done]);
    for (const r of [ra, rb]) {
      assert.equal(r.code, 0, `${r.name} should pass` + explain(r));
      assertDecodedAll(r, 1, 60);
      assert.equal(r.report.peers[0].video.width, 640, explain(r));
      assert.equal(r.report.peers[0].video.height, 480, explain(r));
      assert.match(r.stderr, new RegExp(`receiving video ${codec}`, 'i'), 'the codec asked for is the one used' + explain(r));
      if (codec === 'h264')
        assert.match(r.stderr, hw ? new RegExp(`h264: hardware encoder ${hw}`) : /h264: x264 \(no hardware encoder/, explain(r));
      console.log(`${codec}: ${r.name} decoded ${r.report.peers[0].video.frames_decoded} frames`);
    }
  }
  console.log('h264 and vp9 calls decode: ok');
} finally {
  await server.stop();
}
