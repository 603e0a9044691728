// A browser sending to roompeer over a thin link slows down instead of flooding it. roompeer
// joins on 127.0.0.2, whose downlink tests/netshape holds to 500 kbit/s; a headless Chromium
// with a 640x480@30 camera joins and calls it. roompeer's answer carries transport-cc feedback (rtcp-fb + the TWCC header
// extension), NACK and RTX, so Chromium's congestion control sees the bottleneck: its sending
// rate (the page's getStats outbound-rtp) settles below the link, and roompeer keeps decoding
// (its --stats lines: >= 15 fps, hardly a stalled half second).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { launchBrowser, startServer, startPeer, waitForJoin, explain, assert } from './lib.mjs';
import { ROOT } from '../integration/lib.mjs';

const LINK_KBPS = 500;

// The page's camera at 640x480@30, where Chromium aims at well over 1 Mbit/s: on this link it
// must back off. As scripts/bench does it: the fake device's rate by flag, the size by
// replacing the page's getUserMedia constraints (it asks for 240x240), both through
// playwright-core's launch, the same module instance launchBrowser uses.
const { chromium } = await import(new URL('./node_modules/playwright-core/index.mjs', import.meta.url));
const launchPersistentContext = chromium.launchPersistentContext;
chromium.launchPersistentContext = async function (dir, opts) {
  const args = opts.args.map((a) => (a === '--use-fake-device-for-media-stream' ? `${a}=fps=30` : a));
  const context = await launchPersistentContext.call(this, dir, { ...opts, args });
  await context.addInitScript(() => {
    const md = navigator.mediaDevices;
    const gum = md.getUserMedia.bind(md);
    md.getUserMedia = (c = {}) => gum(c.video
      ? { ...c, video: { width: { exact: 640 }, height: { exact: 480 }, frameRate: { ideal: 30 } } } : c);
  });
  return context;
};
const NETSHAPE = join(ROOT, 'tests', 'netshape');
const shape = (...args) => {
  const r = spawnSync(NETSHAPE, args, { encoding: 'utf8' });
  assert.equal(r.status, 0, `netshape ${args.join(' ')}: ${r.stderr}`);
};

// The page's figures for the call to `peerId`: bytes it sent (audio + video, RTP payload), its
// congestion controller's estimate, and both SDPs.
const pageSample = (browser, peerId) => browser.page.evaluate(async (id) => {
  const pc = window.roompeer.peers[id];
  if (!pc) return null;
  let bytesSent = 0;
  let estimate = null;
  (await pc.getStats()).forEach((r) => {
    if (r.type === 'outbound-rtp') bytesSent += r.bytesSent + (r.headerBytesSent ?? 0);
    if (r.type === 'candidate-pair' && r.nominated && r.availableOutgoingBitrate != null) {
      estimate = r.availableOutgoingBitrate;
    }
  });
  return { t: performance.now(), bytesSent, estimate, local: pc.localDescription?.sdp ?? '',
    remote: pc.remoteDescription?.sdp ?? '' };
}, peerId);

// The video m-section of an SDP.
const videoSection = (sdp) => sdp.split(/\r?\n(?=m=)/).find((s) => s.startsWith('m=video')) ?? '';

const server = await startServer();
let browser = null;
let peer = null;
try {
  shape('set', '127.0.0.2', '--down', String(LINK_KBPS));
  peer = startPeer('roompeer', ['--server', server.url, '--room', 'thin', '--expect-peers', '1',
    '--duration', '120'], { stats: true, iceAddress: '127.0.0.2' });
  const rpId = await waitForJoin(server, peer, 'thin', 20000);
  browser = await launchBrowser(server, { room: 'thin', name: 'chrome' });
  const why = () => `\n--- roompeer log\n${peer.stderr()}` + browser.explain();

  await peer.waitForStats((s) => s.peers.some((p) => p.frames_decoded >= 60),
    { ms: 60000, what: '60 frames from the browser' });

  // roompeer's answer (the page's remote description) names the feedback Chromium needs.
  const first = await pageSample(browser, rpId);
  assert.ok(first, 'the page has a connection to roompeer' + why());
  const answer = videoSection(first.remote);
  assert.match(answer, /^a=extmap:\d+ http:\/\/www\.ietf\.org\/id\/draft-holmer-rmcat-transport-wide-cc-extensions-01/m,
    'the answer has the TWCC header extension\n' + first.remote + why());
  assert.match(answer, /^a=rtcp-fb:\d+ transport-cc/m, 'the answer asks for transport-cc\n' + first.remote + why());
  assert.match(answer, /^a=rtcp-fb:\d+ nack$/m, 'the answer has nack\n' + first.remote + why());
  assert.match(answer, /^a=rtpmap:\d+ rtx\/90000/m, 'the answer has rtx\n' + first.remote + why());

  // Chromium starts at about 300 kbit/s and probes upwards: give it 15 s to find the link, then
  // measure 10 s.
  const start = peer.stats().uptime_s;
  const settled = await peer.waitForStats((s) => s.uptime_s >= start + 15, { ms: 30000, what: '15 s of call' });
  const b0 = await pageSample(browser, rpId);
  const lines = [settled];
  while (lines.at(-1).uptime_s < settled.uptime_s + 10) {
    const prev = lines.at(-1).uptime_s;
    lines.push(await peer.waitForStats((s) => s.uptime_s > prev, { ms: 5000, what: 'the next stats line' }));
  }
  const b1 = await pageSample(browser, rpId);
  const end = lines.at(-1);
  const call = (s) => s.peers.find((p) => p.id === browser.selfId);
  const secs = end.uptime_s - settled.uptime_s;
  const fps = (call(end).frames_decoded - call(settled).frames_decoded) / secs;
  // A stalled half second: a --stats interval (0.5 s) without one new decoded frame.
  let stalls = 0;
  for (let i = 1; i < lines.length; i++) {
    if (call(lines[i]).frames_decoded === call(lines[i - 1]).frames_decoded) stalls++;
  }
  const sentKbps = ((b1.bytesSent - b0.bytesSent) * 8) / (b1.t - b0.t);
  const inKbps = ((call(end).bytes_received - call(settled).bytes_received) * 8) / secs / 1000;
  console.log(`browser -> roompeer over ${LINK_KBPS} kbit/s: the browser sends ${sentKbps.toFixed(0)} kbit/s ` +
    `(its estimate ${b1.estimate == null ? 'n/a' : (b1.estimate / 1000).toFixed(0)} kbit/s), roompeer receives ` +
    `${inKbps.toFixed(0)} kbit/s, decodes ${fps.toFixed(1)} fps, ${stalls} stalled half seconds in ${secs.toFixed(1)} s`);

  peer.proc.kill('SIGINT');
  const result = await peer.done;
  assert.ok(sentKbps < LINK_KBPS, `the browser sends ${sentKbps.toFixed(0)} kbit/s over a ${LINK_KBPS} kbit/s link` +
    explain(result) + browser.explain());
  assert.ok(fps >= 15, `roompeer decodes ${fps.toFixed(1)} fps` + explain(result) + browser.explain());
  assert.ok(stalls <= 2, `roompeer stalled ${stalls} half seconds` + explain(result) + browser.explain());
  console.log('browser adapts to a thin link: ok');
} finally {
  if (browser) await browser.close();
  if (peer && peer.proc.exitCode === null && peer.proc.signalCode === null) peer.proc.kill('SIGKILL');
  spawnSync(NETSHAPE, ['clear', '127.0.0.2']);
  await server.stop();
}
