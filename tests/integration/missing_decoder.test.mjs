// Media we cannot decode never crashes roompeer (issue 11, defect 1). libav is hidden from some
// members the way a machine without gstreamer1.0-libav lacks it: a plugin directory with every
// plugin but libgstlibav.so, and a registry of their own.
//  a) --video-codec h264 without libav: exit 4 at start, naming avdec_h264 and its package.
//  b) In a room: B (no libav, VP8) is there first; A (H.264) joins and calls B with an offer
//     that has only H.264, which B cannot decode, so B ends that call with an end_reason naming
//     the codec and the package, and carries on; C (VP8) joins last and calls both: B and C
//     see each other, and A receives C's VP8 although A itself sends H.264.
//  c) A browser that offers AV1: with VP8 beside it, the answer names VP8 and not AV1; with
//     AV1 alone, that member's call ends with an end_reason saying so.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, symlinkSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, startPeer, tmp, assert, explain, RawClient } from './lib.mjs';


// Every system plugin but libav, in a registry of our own (never the user's cache).
const pluginsDir = spawnSync('pkg-config', ['--variable=pluginsdir', 'gstreamer-1.0'], { encoding: 'utf8' })
  .stdout?.trim() || '/usr/lib/x86_64-linux-gnu/gstreamer-1.0';
assert.ok(existsSync(join(pluginsDir, 'libgstlibav.so')), `${pluginsDir} has no libgstlibav.so: install gstreamer1.0-libav`);
const work = tmp('roompeer-nolibav-');
const noLibav = join(work, 'plugins');
mkdirSync(noLibav);
for (const f of readdirSync(pluginsDir))
  if (f.endsWith('.so') && f !== 'libgstlibav.so') symlinkSync(join(pluginsDir, f), join(noLibav, f));
const withoutLibav = {
  env: { GST_PLUGIN_SYSTEM_PATH_1_0: noLibav, GST_PLUGIN_PATH_1_0: '', GST_REGISTRY_1_0: join(work, 'registry.bin') },
  dir: work,
};
const noCrash = (r) => {
  assert.equal(r.signal, null, `${r.name} died of ${r.signal}` + explain(r));
  assert.notEqual(r.code, 139, `${r.name} crashed` + explain(r));
  assert.doesNotMatch(r.stderr, /CRITICAL|Segmentation|Aborted|terminate called/, `${r.name}: criticals` + explain(r));
};
const joinedAs = async (peer) => {
  const re = /joined room '[^']+' as (\S+)/;
  await peer.waitForLog(re, 60000);  // the first run without libav builds its registry
  return peer.stderr().match(re)[1];
};

// A Socket.IO v4 client over Engine.IO v4, spoken by hand (as in hostile.test.mjs).

// A Chrome-like offer: Opus, and video with the given "pt encoding/rate" formats, each with rtx.
function browserOffer(tag, videoFormats) {
  const fp = Array.from({ length: 32 }, (_, i) => ((i * 53 + 7) & 0xff).toString(16).padStart(2, '0').toUpperCase()).join(':');
  const common = ['c=IN IP4 0.0.0.0', 'a=rtcp:9 IN IP4 0.0.0.0', `a=ice-ufrag:b${tag}`,
    'a=ice-pwd:browserbrowserbrowserbrow', 'a=ice-options:trickle', `a=fingerprint:sha-256 ${fp}`,
    'a=setup:actpass', 'a=rtcp-mux'];
  const video = [];
  for (const [pt, map] of videoFormats) {
    video.push(`a=rtpmap:${pt} ${map}`, `a=rtcp-fb:${pt} nack pli`, `a=rtpmap:${pt + 1} rtx/90000`, `a=fmtp:${pt + 1} apt=${pt}`);
  }
  const pts = videoFormats.flatMap(([pt]) => [pt, pt + 1]).join(' ');
  return [
    'v=0', `o=- 46117314004301${tag} 2 IN IP4 127.0.0.1`, 's=-', 't=0 0', 'a=group:BUNDLE 0 1', 'a=msid-semantic: WMS s',
    'm=audio 9 UDP/TLS/RTP/SAVPF 111', ...common, 'a=mid:0', 'a=sendrecv', 'a=msid:s a', 'a=rtpmap:111 opus/48000/2',
    'a=fmtp:111 minptime=10;useinbandfec=1', `a=ssrc:11110${tag} cname:browser${tag}`,
    `m=video 9 UDP/TLS/RTP/SAVPF ${pts}`, ...common, 'a=mid:1', 'a=sendrecv', 'a=msid:s v', ...video,
    `a=ssrc:22220${tag} cname:browser${tag}`,
    '',
  ].join('\r\n');
}

const server = await startServer();
const raws = [];
try {
  // a) Our own --video-codec must decode here: exit 4 before joining, naming the package.
  {
    const r = await startPeer('h264-nolibav', ['--server', server.url, '--room', 'start-check', '--video-codec', 'h264', '--duration', '3'],
      withoutLibav).done;
    noCrash(r);
    assert.equal(r.code, 4, 'exit 4 at start' + explain(r));
    assert.match(r.stderr, /avdec_h264' is missing \(we need it to receive H264\): install the Debian package gstreamer1\.0-libav/, explain(r));
    assert.doesNotMatch(r.stderr, /joined room/, 'it never joins' + explain(r));
    assert.ok(r.report.failures.some((f) => /gstreamer1\.0-libav/.test(f)), 'the report says so too' + explain(r));
    console.log('a) --video-codec h264 without libav: exit 4 naming gstreamer1.0-libav: ok');
  }

  // b) A room where one member sends only H.264 and another cannot decode it.
  {
    const common = ['--server', server.url, '--room', 'no-libav-room', '--video-size', '320x240', '--fps', '15', '-v'];
    const b = startPeer('b-nolibav-vp8', [...common, '--duration', '14'], withoutLibav);
    const bId = await joinedAs(b);
    const a = startPeer('a-h264', [...common, '--video-codec', 'h264', '--duration', '12']);
    const aId = await joinedAs(a);
    // A, the newcomer, calls B; B turns the offer down without crashing.
    await b.waitForLog(new RegExp(`peer ${aId}: dropped its offer: cannot decode H264`), 20000);
    const c = startPeer('c-vp8', [...common, '--duration', '8']);
    const cId = await joinedAs(c);
    const [ra, rb, rc] = await Promise.all([a.done, b.done, c.done]);
    for (const r of [ra, rb, rc]) {
      noCrash(r);
      assert.equal(r.code, 0, `${r.name} should pass` + explain(r));
    }
    const peer = (r, id) => {
      const p = r.report.peers.find((x) => x.id === id);
      assert.ok(p, `${r.name} has no entry for ${id}` + explain(r));
      return p;
    };
    const bA = peer(rb, aId);
    assert.equal(bA.state, 'failed', explain(rb));
    assert.equal(bA.end_reason, 'cannot decode H264: avdec_h264 missing (Debian package gstreamer1.0-libav)', explain(rb));
    assert.equal(bA.video.frames_decoded, 0, explain(rb));
    // The rest of the room carries on: B and C see and hear each other.
    for (const [r, id] of [[rb, cId], [rc, bId]]) {
      const p = peer(r, id);
      assert.ok(p.video.frames_decoded >= 20, `${r.name} got ${p.video.frames_decoded} frames from ${id}` + explain(r));
      assert.ok(p.audio.buffers_decoded > 0, `${r.name} got no audio from ${id}` + explain(r));
      assert.equal(p.end_reason === null || p.end_reason === 'left the room', true, explain(r));
    }
    // C offered VP8 only: A, which sends H.264, cannot send on that m-line but receives VP8.
    assert.ok(peer(ra, cId).video.frames_decoded >= 20, 'A decodes C' + explain(ra));
    assert.match(ra.stderr, new RegExp(`peer ${cId}: receiving video VP8`), explain(ra));
    console.log(`b) B ended A's call (${bA.end_reason}); B<->C ${peer(rb, cId).video.frames_decoded}/` +
      `${peer(rc, bId).video.frames_decoded} frames, A got ${peer(ra, cId).video.frames_decoded} from C: ok`);
  }

  // c) Browsers that offer AV1 to a roompeer that sends VP9 (which neither offers).
  {
    const r = startPeer('vp9', ['--server', server.url, '--room', 'av1-room', '--video-codec', 'vp9', '--duration', '8', '-v']);
    const rId = await joinedAs(r);
    const both = new RawClient('av1-and-vp8');
    const av1 = new RawClient('av1-only');
    raws.push(both, av1);
    for (const raw of [both, av1]) {
      await raw.connect(server.url);
      raw.emit('joinRTCRoom', 'av1-room', { name: raw.name });
      await raw.waitFor((e) => e[0] === 'usersInRoom');
    }
    both.emit('offer', { sdp: { type: 'offer', sdp: browserOffer('1', [[45, 'AV1/90000'], [96, 'VP8/90000']]) }, callTo: rId });
    av1.emit('offer', { sdp: { type: 'offer', sdp: browserOffer('2', [[45, 'AV1/90000']]) }, callTo: rId });
    const [, answer] = await both.waitFor((e) => e[0] === 'getAnswer' && e[1]?.answerFrom === rId);
    const sdp = answer.sdp.sdp;
    const videoLine = sdp.split('\r\n').find((l) => l.startsWith('m=video'));
    assert.ok(videoLine, 'the answer has a video m-line:\n' + sdp);
    const [, port, , ...pts] = videoLine.split(' ');
    assert.notEqual(port, '0', 'the video m-line is accepted:\n' + sdp);
    assert.ok(pts.includes('96'), 'the answer keeps VP8 (96):\n' + sdp);
    assert.ok(!pts.includes('45') && !/AV1/.test(sdp), 'the answer names no AV1:\n' + sdp);
    assert.match(sdp, /a=rtpmap:96 VP8\/90000/, sdp);
    await r.waitForLog(new RegExp(`peer ${av1.id}: dropped its offer: cannot decode AV1: roompeer has no decoder for it`), 15000);
    assert.ok(!av1.events.some((e) => e[0] === 'getAnswer'), 'no answer to an offer we cannot take');
    const rr = await r.done;
    noCrash(rr);
    assert.equal(rr.code, 0, explain(rr));
    const e = rr.report.peers.find((x) => x.id === av1.id);
    assert.ok(e, 'the AV1-only member is in the report' + explain(rr));
    assert.equal(e.state, 'failed', explain(rr));
    assert.equal(e.end_reason, 'cannot decode AV1: roompeer has no decoder for it', explain(rr));
    const ok = rr.report.peers.find((x) => x.id === both.id);
    assert.ok(ok && ok.state !== 'failed', 'the AV1+VP8 member is not turned away' + explain(rr));
    console.log(`c) AV1+VP8 answered with "${videoLine}"; AV1 only: ${e.end_reason}: ok`);
  }
  console.log('missing decoders: ok');
} finally {
  for (const raw of raws) raw.close();
  await server.stop();
}
