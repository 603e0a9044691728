// Bad input from one member must not disturb the others. Two roompeers (alice, bob) call
// each other through the reference server while two raw Socket.IO clients in the same room
// misbehave:
//  - ghost joins first, so both roompeers call it; it never completes a call and answers
//    their offers with junk;
//  - mallory joins after them and sends every kind of malformed, oversized, unsolicited or
//    mistyped signalling it can get the server to relay, once while alice and bob are still
//    negotiating and once more while their call is running.
// Both roompeers must pass, decode each other, and name the hostile senders in warnings.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { NODE_MODULES, startServer, startPeer, sleep, assert, explain } from './lib.mjs';

const require = createRequire(join(NODE_MODULES, 'noop.js'));
const WebSocket = require('ws');

const ROOM = 'hostile-room';

// A Socket.IO v4 client spoken by hand over Engine.IO v4 on a WebSocket.
class RawClient {
  constructor(name) {
    this.name = name;
    this.events = [];
    this.sent = 0;
    this.closed = false;
  }

  async connect(serverUrl) {
    const { port, hostname } = new URL(serverUrl);
    assert.equal(hostname, '127.0.0.1', 'loopback only');
    this.ws = new WebSocket(`ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`, { maxPayload: 8 << 20 });
    this.ws.on('close', () => { this.closed = true; });
    this.id = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name}: no Socket.IO CONNECT within 5 s`)), 5000);
      this.ws.on('error', (e) => { clearTimeout(timer); reject(e); });
      this.ws.on('message', (buf) => {
        const text = buf.toString();
        if (text[0] === '0') this.ws.send('40');                 // Engine.IO open -> Socket.IO CONNECT
        else if (text === '2') this.ws.send('3');                // ping -> pong
        else if (text.startsWith('40')) { clearTimeout(timer); resolve(JSON.parse(text.slice(2)).sid); }
        else if (text.startsWith('44')) { clearTimeout(timer); reject(new Error(`${this.name}: refused ${text}`)); }
        else if (text.startsWith('42')) this.events.push(JSON.parse(text.slice(2)));
      });
    });
  }

  send(text) {
    assert.ok(!this.closed, `${this.name}: the server closed our connection`);
    this.ws.send(text);
    this.sent++;
  }

  emit(name, ...args) { this.send('42' + JSON.stringify([name, ...args])); }

  // Resolves with the first received event [name, ...args] for which `pred` holds.
  async waitFor(pred, ms = 10000) {
    const t0 = Date.now();
    for (;;) {
      const e = this.events.find(pred);
      if (e) return e;
      if (Date.now() - t0 > ms) throw new Error(`${this.name}: no matching event within ${ms} ms; got ${JSON.stringify(this.events).slice(0, 2000)}`);
      await sleep(50);
    }
  }

  close() { this.ws?.close(); }
}

// A well-formed browser-like offer that will never complete: its ICE credentials belong to
// nobody, and the only candidates sent for it point at the discard port.
function stalledOffer(tag, bundled = true) {
  const fp = Array.from({ length: 32 }, (_, i) => ((i * 37 + 11) & 0xff).toString(16).padStart(2, '0').toUpperCase()).join(':');
  const common = ['c=IN IP4 0.0.0.0', 'a=rtcp:9 IN IP4 0.0.0.0', `a=ice-ufrag:h${tag}`,
    'a=ice-pwd:hostilehostilehostilehost', 'a=ice-options:trickle', `a=fingerprint:sha-256 ${fp}`,
    'a=setup:actpass', 'a=rtcp-mux'];
  return [
    'v=0', `o=- 46117314004300${tag} 2 IN IP4 127.0.0.1`, 's=-', 't=0 0', ...(bundled ? ['a=group:BUNDLE 0 1'] : []), 'a=msid-semantic: WMS',
    'm=audio 9 UDP/TLS/RTP/SAVPF 111', ...common, 'a=mid:0', 'a=sendrecv', 'a=rtpmap:111 opus/48000/2',
    'm=video 9 UDP/TLS/RTP/SAVPF 96', ...common, 'a=mid:1', 'a=sendrecv', 'a=rtpmap:96 VP8/90000',
    '',
  ].join('\r\n');
}

const HUGE = 'v=0\r\n' + 'a=x-junk:'.padEnd(300 * 1024, 'z');  // 300 KB
const garbageSdp = 'this is not an SDP at all \u0000\u00ff\u{1F4A9}';
const manyMlines = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n' +
  'm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=rtpmap:96 VP8/90000\r\n'.repeat(100);
const cand = (candidate, extra = {}) => ({ candidate, sdpMid: '0', sdpMLineIndex: 0, ...extra });
const hostCand = 'candidate:1 1 UDP 2122252543 127.0.0.1 9 typ host';

// Everything mallory sends to one target. Relayed events reach the target as getOffer,
// getAnswer and getCandidate from mallory; the rest is dropped by the server.
function barrage(m, to, round) {
  // offers the target must reject
  m.emit('offer', { sdp: garbageSdp, callTo: to });
  m.emit('offer', { sdp: { type: 'offer', sdp: garbageSdp }, callTo: to });
  m.emit('offer', { sdp: 42, callTo: to });
  m.emit('offer', { sdp: null, callTo: to });
  m.emit('offer', { sdp: [1, 2, 3], callTo: to });
  m.emit('offer', { sdp: {}, callTo: to });
  m.emit('offer', { sdp: '', callTo: to });
  m.emit('offer', { sdp: { type: 'answer', sdp: stalledOffer('91') }, callTo: to });
  m.emit('offer', { sdp: { type: 'offer', sdp: HUGE }, callTo: to });
  m.emit('offer', { sdp: HUGE, callTo: to });
  m.emit('offer', { sdp: manyMlines, callTo: to });
  // spoofing: the server sets callFrom itself
  m.emit('offer', { sdp: garbageSdp, callTo: to, callFrom: 'someone-else' });
  // answers nobody asked for
  m.emit('answer', { sdp: { type: 'answer', sdp: stalledOffer('92') }, answerTo: to });
  m.emit('answer', { sdp: garbageSdp, answerTo: to });
  m.emit('answer', { sdp: 7, answerTo: to });
  m.emit('answer', { sdp: HUGE, answerTo: to });
  // candidates of every wrong shape
  m.emit('candidate', { candidate: 12345, candidateTo: to });
  m.emit('candidate', { candidate: null, candidateTo: to });
  m.emit('candidate', { candidate: 'candidate:1 1 UDP 1 127.0.0.1 9 typ host', candidateTo: to });
  m.emit('candidate', { candidate: { candidate: 42 }, candidateTo: to });
  m.emit('candidate', { candidate: cand(hostCand, { sdpMLineIndex: 999 }), candidateTo: to });
  m.emit('candidate', { candidate: cand(hostCand, { sdpMLineIndex: -1 }), candidateTo: to });
  m.emit('candidate', { candidate: cand(hostCand, { sdpMLineIndex: 'zero' }), candidateTo: to });
  m.emit('candidate', { candidate: cand('candidate:' + 'x'.repeat(300 * 1024)), candidateTo: to });
  m.emit('candidate', { candidate: cand('garbage candidate line'), candidateTo: to });
  for (let i = 0; i < 300; i++) m.emit('candidate', { candidate: cand(`candidate:${i} 1 UDP 1 127.0.0.1 9 typ host`), candidateTo: to });
  // the server's own event names, sent to the server (it has no handlers for them)
  m.emit('getOffer', { sdp: stalledOffer('93'), callFrom: to });
  m.emit('getAnswer', { sdp: garbageSdp, answerFrom: to });
  m.emit('getCandidate', { candidate: cand(hostCand), candidateFrom: to });
  m.emit('usersInRoom', [{ id: to }, 42, null]);
  m.emit('user_exit', { id: to });
  // unknown events and wrong argument types
  m.emit('no-such-event', { to });
  m.emit('x'.repeat(10000), 1, 2, 3);
  for (const v of [42, null, [to], 'offer', true]) {
    m.emit('offer', v);
    m.emit('answer', v);
    m.emit('candidate', v);
  }
  m.emit('offer');
  m.emit('offer', { sdp: garbageSdp, callTo: 42 });
  m.emit('offer', { sdp: garbageSdp, callTo: [to] });
  m.emit('offer', { sdp: garbageSdp, callTo: '' });
  m.emit('joinRTCRoom', 42, null);
  m.emit('joinRTCRoom', ROOM, 'not an object');
  m.emit('joinRTCRoom', [ROOM], {});
  m.emit('leaveRTCRoom', { room: ROOM });
  // finally a well-formed offer that never completes (without BUNDLE in round 1, so the
  // m-line index of a candidate matters), plus candidates for it, some absurd
  m.emit('offer', { sdp: { type: 'offer', sdp: stalledOffer(String(10 + round), round !== 1) }, callTo: to });
  m.emit('candidate', { candidate: cand(hostCand), candidateTo: to });
  m.emit('candidate', { candidate: cand(hostCand, { sdpMLineIndex: 1, sdpMid: '1' }), candidateTo: to });
  m.emit('candidate', { candidate: cand('candidate:junk junk'), candidateTo: to });
  m.emit('candidate', { candidate: cand(hostCand, { sdpMLineIndex: 5, sdpMid: 'nope' }), candidateTo: to });
  m.emit('candidate', { candidate: cand(hostCand, { sdpMLineIndex: 64, sdpMid: 'nope' }), candidateTo: to });
  m.emit('candidate', { candidate: cand(''), candidateTo: to });
}

// The socket id a roompeer logs once it joined.
async function joinedAs(peer) {
  const re = /joined room '[^']+' as (\S+)/;
  await peer.waitForLog(re);
  return peer.stderr().match(re)[1];
}

const server = await startServer();
const raws = [];
try {
  // ghost: in the room before anyone, odd user info, never completes a call.
  const ghost = new RawClient('ghost');
  raws.push(ghost);
  await ghost.connect(server.url);
  ghost.emit('joinRTCRoom', ROOM, { name: 'ghost', id: 'spoofed-id', nested: { deep: [1, { x: null }] }, n: 1e308 });
  await ghost.waitFor((e) => e[0] === 'usersInRoom');

  // roompeer counts, for --expect-peers and --expect-frames alike, only members that were
  // connected at some point: the ghost and mallory never are, so 1 is right for both sides.
  const common = ['--server', server.url, '--room', ROOM, '--expect-peers', '1', '--expect-frames', '60'];
  const a = startPeer('alice', [...common, '--duration', '12']);
  const aliceId = await joinedAs(a);
  const b = startPeer('bob', [...common, '--duration', '10']);
  const bobId = await joinedAs(b);

  // mallory joins the running room; usersInRoom names both roompeers.
  const mallory = new RawClient('mallory');
  raws.push(mallory);
  await mallory.connect(server.url);
  mallory.emit('joinRTCRoom', ROOM, { name: 'mallory' });
  const [, members] = await mallory.waitFor((e) => e[0] === 'usersInRoom' && Array.isArray(e[1]) &&
    e[1].some((u) => u.id === aliceId) && e[1].some((u) => u.id === bobId));
  assert.ok(members.some((u) => u.id === ghost.id), 'the ghost is in the room');

  // Round 1: while alice and bob negotiate.
  for (const to of [aliceId, bobId, ROOM]) barrage(mallory, to, 1);

  // Both roompeers call the ghost (it was in their first usersInRoom); it answers with junk of
  // every kind, sends absurd candidates, and finally an offer of its own while being called.
  for (const id of [aliceId, bobId]) {
    const [, offer] = await ghost.waitFor((e) => e[0] === 'getOffer' && e[1]?.callFrom === id);
    assert.equal(offer.sdp?.type, 'offer', 'roompeer sends {type, sdp}');
    ghost.emit('answer', { sdp: garbageSdp, answerTo: id });
    ghost.emit('answer', { sdp: { type: 'offer', sdp: offer.sdp.sdp }, answerTo: id });
    ghost.emit('answer', { sdp: HUGE, answerTo: id });
    ghost.emit('answer', { sdp: { sdp: 12 }, answerTo: id });
    ghost.emit('candidate', { candidate: cand(hostCand, { sdpMLineIndex: 999 }), candidateTo: id });
    ghost.emit('candidate', { candidate: 'nonsense', candidateTo: id });
    ghost.emit('offer', { sdp: garbageSdp, callTo: id });   // an offer while they call us
  }

  // Round 2: while their call runs.
  await Promise.all([a.waitForLog(new RegExp(`peer ${bobId}: first video frame`), 20000),
    b.waitForLog(new RegExp(`peer ${aliceId}: first video frame`), 20000)]);
  for (const to of [aliceId, bobId]) barrage(mallory, to, 2);
  // Well-formed offers nobody can use, back to back: each replaces mallory's previous session.
  const base = stalledOffer('30', false);
  const [head, audio, video] = base.split(/(?=m=audio|m=video)/);
  const unusable = [
    head + Array.from({ length: 64 }, (_, i) => video.replace('a=mid:1', `a=mid:${i}`)).join(''),  // 64 video m-lines
    head + audio.replace('m=audio 9 UDP/TLS/RTP/SAVPF 111', 'm=application 9 UDP/DTLS/SCTP webrtc-datachannel')
      .replace('a=rtpmap:111 opus/48000/2', 'a=sctp-port:5000'),                                     // data channel only
    base.replace('VP8/90000', 'H264/90000').replace('opus/48000/2', 'PCMU/8000'),                    // no codec we send
    ...Array.from({ length: 8 }, (_, i) => stalledOffer(String(40 + i), i % 2 === 0)),
  ];
  for (const sdp of unusable) {
    for (const to of [aliceId, bobId]) {
      mallory.emit('offer', { sdp: { type: 'offer', sdp }, callTo: to });
      mallory.emit('candidate', { candidate: cand(hostCand), candidateTo: to });
    }
  }
  // ...and still connected to the server afterwards: the server answers a fresh join.
  mallory.events.length = 0;
  mallory.emit('joinRTCRoom', ROOM, { name: 'mallory' });
  await mallory.waitFor((e) => e[0] === 'usersInRoom');
  console.log(`mallory sent ${mallory.sent} packets, ghost ${ghost.sent}`);

  const [ra, rb] = await Promise.all([a.done, b.done]);
  const ids = { [aliceId]: 'alice', [bobId]: 'bob', [ghost.id]: 'ghost', [mallory.id]: 'mallory' };
  for (const [r, other, otherName] of [[ra, bobId, 'bob'], [rb, aliceId, 'alice']]) {
    assert.equal(r.signal, null, `${r.name} crashed` + explain(r));
    assert.equal(r.code, 0, `${r.name} should pass` + explain(r));
    assert.equal(r.report.result, 'pass', explain(r));
    assert.deepEqual(r.report.failures, [], explain(r));
    assert.doesNotMatch(r.stderr, /CRITICAL|Segmentation|Aborted|terminate called/, `${r.name}: criticals` + explain(r));
    // The other roompeer: a full call, like two_peers.test.mjs.
    const p = r.report.peers.find((x) => x.id === other);
    assert.ok(p, `${r.name} has no entry for ${otherName}` + explain(r));
    assert.ok(p.video.frames_decoded >= 60, `${r.name} got ${p.video.frames_decoded} frames from ${otherName}` + explain(r));
    assert.ok(p.audio.buffers_decoded > 0, `${r.name} got no audio from ${otherName}` + explain(r));
    assert.equal(p.video.width, 640, explain(r));
    assert.equal(p.video.height, 480, explain(r));
    assert.equal(typeof p.first_video_frame_ms, 'number');
    // The hostile members: in the report (called, or offered a session), never connected,
    // nothing decoded; they do not count toward --expect-peers.
    for (const h of [ghost, mallory]) {
      const e = r.report.peers.find((x) => x.id === h.id);
      assert.ok(e, `${r.name} has no report entry for ${h.name}` + explain(r));
      assert.notEqual(e.state, 'connected', `${r.name}: ${h.name} shows as connected` + explain(r));
      assert.equal(e.video.frames_decoded, 0, explain(r));
      assert.equal(e.audio.buffers_decoded, 0, explain(r));
      assert.equal(e.first_video_frame_ms, null, explain(r));
    }
    for (const x of r.report.peers) assert.ok(ids[x.id], `${r.name}: unexpected peer id ${x.id}` + explain(r));
    // Warnings name the hostile senders.
    const warnings = r.stderr.split('\n').filter((l) => / warning: /.test(l));
    for (const h of [mallory, ghost]) {
      assert.ok(warnings.some((l) => l.includes(h.id)), `${r.name}: no warning names ${h.name} (${h.id})` + explain(r));
    }
    assert.ok(!warnings.some((l) => l.includes(other) && /dropped|replaces|closing/.test(l)),
      `${r.name}: input from ${otherName} was dropped or its session replaced: hostile input blamed on it?` + explain(r));
    console.log(`${r.name}: ${p.video.frames_decoded} frames from ${otherName}, first after ${p.first_video_frame_ms} ms; ` +
      `${warnings.length} warnings; peers ${r.report.peers.map((x) => `${ids[x.id]}:${x.state}`).join(' ')}`);
  }
  assert.equal(server.proc.exitCode, null, 'the room server survived' + server.log().slice(-3000));
  console.log('hostile members do not disturb the call: ok');
} finally {
  for (const r of raws) r.close();
  await server.stop();
}
