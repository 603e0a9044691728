// Helpers for the browser interop tests: headless Chromium members of a room on the
// reference room server's page, driven by playwright-core, next to roompeer processes.
// Builds on the integration helpers (room server, roompeer processes, reports).
import { rmSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { startServer, startPeer, waitForJoin, explain, sleep, tmp, assert } from '../integration/lib.mjs';

export { startServer, startPeer, waitForJoin, explain, sleep, tmp, assert };

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
  '--allow-loopback-in-peer-connection',
];

// Tests close their browsers in `finally`; if the process dies first, playwright-core's own
// exit handler kills the Chromium processes it launched.

// Records when the page's `window.roompeer.joined` becomes true (the client sets it on
// the first usersInRoom, i.e. when the server has accepted the join), in the page's
// performance.now() clock, the same clock as the page's firstFrameMs.
function recordJoinTime() {
  let obj;
  Object.defineProperty(window, 'roompeer', {
    configurable: true,
    get: () => obj,
    set: (v) => {
      obj = v;
      let joined = v.joined;
      Object.defineProperty(v, 'joined', {
        configurable: true,
        enumerable: true,
        get: () => joined,
        set: (j) => {
          if (j && !joined) v.joinedMs = Math.round(performance.now());
          joined = j;
        },
      });
    },
  });
}

// Launches a headless Chromium with a fresh profile and opens the room page as `name`.
// Resolves once the page has joined the room (its usersInRoom arrived).
// Returns {name, page, context, selfId, joinedMs (page clock), timeOrigin (the page
// clock's zero, in Date.now() terms), stats(), statsFor(peerId),
// codecsFor(peerId), waitFor(pred, ms, what), consoleLog(), explain() (the console log, for
// failure messages), close()}.
export async function launchBrowser(server, { room, name, codec, timeoutMs = 60000 } = {}) {
  const profile = tmp('roompeer-chromium-');
  const context = await chromium.launchPersistentContext(profile, {
    headless: true,
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    timeout: timeoutMs,
  });
  const member = { name, context, profile, closed: false };
  const close = async () => {
    if (member.closed) return;
    member.closed = true;
    try { await context.close(); } catch {}
    try { rmSync(profile, { recursive: true, force: true }); } catch {}
  };
  const log = [];
  const stamp = () => new Date().toISOString().slice(11, 23);
  const consoleLog = () => log.join('\n');
  const describe = () => `\n--- browser ${name} console\n${consoleLog()}`;

  let page;
  let selfId;
  let joinedMs;
  let timeOrigin;
  const params = new URLSearchParams({ room, name });
  if (codec) params.set('codec', codec);
  const url = `${server.url}/?${params}`;
  try {
    page = context.pages()[0] ?? await context.newPage();
    page.on('console', (m) => {
      log.push(`${stamp()} console.${m.type()}: ${m.text()}`);
      if (process.env.VERBOSE) process.stderr.write(`[${name}] ${m.text()}\n`);
    });
    page.on('pageerror', (e) => log.push(`${stamp()} pageerror: ${e.stack || e}`));
    page.on('crash', () => log.push(`${stamp()} page crashed`));
    page.on('requestfailed', (r) => log.push(`${stamp()} request failed: ${r.url()} ${r.failure()?.errorText}`));
    page.on('response', (r) => { if (r.status() >= 400) log.push(`${stamp()} HTTP ${r.status()} for ${r.url()}`); });
    await page.addInitScript(recordJoinTime);
    await page.goto(url, { timeout: timeoutMs });
    await page.waitForFunction(() => window.roompeer && window.roompeer.joined && window.roompeer.selfId,
      null, { timeout: timeoutMs, polling: 100 });
    ({ selfId, joinedMs, timeOrigin } = await page.evaluate(() => ({
      selfId: window.roompeer.selfId, joinedMs: window.roompeer.joinedMs, timeOrigin: performance.timeOrigin,
    })));
  } catch (err) {
    await close();
    throw new Error(`browser ${name} did not join room ${room} (${url}): ${err.message}${describe()}`);
  }

  const stats = () => page.evaluate(() => window.roompeer.stats());
  // The negotiated codecs of the connection to `peerId`, from getStats: {in: {video, audio},
  // out: {video, audio}}, each {mimeType, sdpFmtpLine, payloadType} or null.
  const codecsFor = (peerId) => page.evaluate(async (id) => {
    const pc = window.roompeer.peers[id];
    if (!pc) return null;
    const report = await pc.getStats();
    const out = { in: { video: null, audio: null }, out: { video: null, audio: null } };
    report.forEach((r) => {
      if (r.type !== 'inbound-rtp' && r.type !== 'outbound-rtp') return;
      const c = r.codecId && report.get(r.codecId);
      if (!c) return;
      out[r.type === 'inbound-rtp' ? 'in' : 'out'][r.kind] =
        { mimeType: c.mimeType, sdpFmtpLine: c.sdpFmtpLine ?? '', payloadType: c.payloadType };
    });
    return out;
  }, peerId);
  const statsFor = async (peerId) => (await stats())[peerId] ?? null;

  // Polls `predicate(stats)` (stats: {peerId: {...}}) until it returns truthy; returns
  // that value. Throws with the last stats and the console log after `ms`.
  const waitFor = async (predicate, ms = 60000, what = 'condition') => {
    const t0 = Date.now();
    let last = null;
    for (;;) {
      last = await stats();
      const v = predicate(last);
      if (v) return v;
      if (Date.now() - t0 > ms) {
        throw new Error(`browser ${name}: ${what} not reached within ${ms} ms; ` +
          `stats ${JSON.stringify(last, null, 2)}${describe()}`);
      }
      await sleep(250);
    }
  };

  return Object.assign(member, {
    page, selfId, url, joinedMs, timeOrigin, stats, statsFor, codecsFor, waitFor, consoleLog, explain: describe, close,
  });
}

// Both directions between one browser and one roompeer process, after roompeer exited.
// Asserts: roompeer decoded >= `frames` frames at `width`x`height` and audio from the
// browser; the browser decoded >= `frames` frames and received audio from roompeer
// (`browserStats` is the browser's stats entry for roompeer, taken while it was live).
export function assertBothWays(result, browser, browserStats, { frames = 60, width = 240, height = 240 } = {}) {
  const why = () => explain(result) + browser.explain();
  assert.ok(result.report, `${result.name} wrote no report` + why());
  const p = result.report.peers.find((x) => x.id === browser.selfId);
  assert.ok(p, `${result.name}'s report has no peer ${browser.selfId} (browser ${browser.name})` + why());
  assert.ok(p.video.frames_decoded >= frames,
    `${result.name} decoded ${p.video.frames_decoded} video frames from browser ${browser.name}` + why());
  assert.ok(p.audio.buffers_decoded > 0, `${result.name} decoded no audio from browser ${browser.name}` + why());
  assert.equal(p.video.width, width, `${result.name}: width of browser ${browser.name}'s video` + why());
  assert.equal(p.video.height, height, `${result.name}: height of browser ${browser.name}'s video` + why());
  assert.ok(browserStats, `browser ${browser.name} has no connection to ${result.name}` + why());
  assert.ok(browserStats.video.framesDecoded >= frames,
    `browser ${browser.name} decoded ${browserStats.video.framesDecoded} frames from ${result.name}` + why());
  assert.ok(browserStats.audio.bytesReceived > 0, `browser ${browser.name} received no audio from ${result.name}` + why());
}

// Stats check: `peerIds` all decoded >= frames video frames and received audio.
export const decodedAll = (peerIds, frames = 60) => (s) =>
  peerIds.every((id) => s[id] && s[id].video.framesDecoded >= frames && s[id].audio.bytesReceived > 0) && s;

// Time from the browser's join to its first decoded frame from `peerId`, in ms (page
// clock), from a stats snapshot taken while that peer was still in the room.
export function browserFirstFrameMs(browser, stats, peerId) {
  const s = stats?.[peerId];
  if (!s || s.firstFrameMs == null || browser.joinedMs == null) return null;
  return s.firstFrameMs - browser.joinedMs;
}

// One roompeer and one browser in a room; `first` says who joins first ('roompeer' or
// 'browser'); `codec` is the video codec both prefer (undefined: defaults, VP8).
// The newcomer calls: with roompeer first the browser offers, else roompeer offers.
// Asserts both directions and prints the first-frame times.
// `pageCodec` overrides the page's preference (null: none, so Chrome offers VP8 first).
export async function pairCase({ first, codec, pageCodec = codec, room, frames = 60 }) {
  const server = await startServer();
  let browser = null;
  let peer = null;
  const t0 = Date.now();
  const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
  try {
    const peerArgs = ['--server', server.url, '--room', room, '--expect-peers', '1',
      '--expect-frames', String(frames), '-v', ...(codec ? ['--video-codec', codec] : [])];
    const launch = () => launchBrowser(server, { room, name: 'chrome', codec: pageCodec });
    if (first === 'roompeer') {
      peer = startPeer('roompeer', peerArgs, { stats: true });
      peer.startedAt = Date.now();
      await waitForJoin(server, peer, room, 20000);
      console.log(`[${elapsed()}] roompeer joined; launching the browser`);
      browser = await launch();
      console.log(`[${elapsed()}] browser joined as ${browser.selfId}`);
    } else {
      browser = await launch();
      console.log(`[${elapsed()}] browser joined as ${browser.selfId}; starting roompeer`);
      peer = startPeer('roompeer', peerArgs, { stats: true });
      peer.startedAt = Date.now();
    }
    const stats = await runUntilBothDecoded(browser, [peer], frames, elapsed);
    const rpIdLive = Object.keys(stats)[0];
    const codecs = await browser.codecsFor(rpIdLive);
    console.log(`browser <-> roompeer codecs: ${JSON.stringify(codecs)}`);
    console.log(`browser decoded ${stats[rpIdLive].video.frameWidth}x${stats[rpIdLive].video.frameHeight} from roompeer`);
    const [result] = await stopPeers([peer], { frames });
    console.log(`[${elapsed()}] roompeer exited ${result.code}`);
    const rpId = result.report?.self_id;
    const s = rpId ? stats[rpId] : null;
    assert.equal(result.code, 0, 'roompeer should pass' + explain(result) + browser.explain());
    assertBothWays(result, browser, s, { frames });
    assertCodec(result, browser.selfId, codec ?? 'vp8', browser);
    assertBrowserCodecs(codecs, codec ?? 'vp8', result, browser);
    printTimes(browser, stats, result, peer.startedAt);
    console.log(`${first} first${codec ? ', ' + codec : ''}${pageCodec !== codec ? `, page prefers ${pageCodec ?? 'nothing'}` : ''}: ` +
      'both directions decode: ok');
  } finally {
    if (browser) await browser.close();
    if (peer && peer.proc.exitCode === null && peer.proc.signalCode === null) peer.proc.kill('SIGKILL');
    await server.stop();
  }
}

const alive = (peer) => peer.proc.exitCode === null && peer.proc.signalCode === null;

// Waits until the browser has decoded `frames` video frames and audio from each of
// `members` other members (default: the roompeers in `peers`); fails early when one of the
// roompeers exits. Returns the browser's last stats, keyed by peer id.
export async function runUntilBothDecoded(browser, peers, frames, elapsed = () => '', { members = peers.length, ms = 90000 } = {}) {
  const want = members;
  const peerLogs = () => peers.map((p) => `\n--- ${p.name} log so far\n${p.stderr()}`).join('');
  let stats;
  try {
    stats = await browser.waitFor((s) => {
      for (const p of peers) {
        if (!alive(p)) {
          throw new Error(`${p.name} exited early (code ${p.proc.exitCode}, signal ${p.proc.signalCode})` +
            browser.explain());
        }
      }
      const ids = Object.keys(s);
      return ids.length >= want && decodedAll(ids, frames)(s);
    }, ms, `${frames} frames and audio from ${want} members`);
  } catch (err) {
    err.message += peerLogs();
    throw err;
  }
  console.log(`[${elapsed()}] browser ${browser.name} decoded >= ${frames} frames from every member`);
  return stats;
}

// Waits until every roompeer (started with { stats: true }) has decoded `frames` video frames
// and audio from each of `members` members, by its --stats lines, then stops them with SIGINT
// (they leave the room and write their reports).
export async function stopPeers(peers, { members = 1, frames = 60, ms = 60000 } = {}) {
  const what = `${frames} frames and audio from ${members} member(s)`;
  for (const p of peers) {
    await p.waitForStats((s) => s.peers.filter((x) => x.frames_decoded >= frames && x.audio_buffers_decoded > 0)
      .length >= members, { ms, what });
  }
  for (const p of peers) if (alive(p)) p.proc.kill('SIGINT');
  const killer = setTimeout(() => { for (const p of peers) if (alive(p)) p.proc.kill('SIGKILL'); }, 20000);
  const results = await Promise.all(peers.map((p) => p.done));
  clearTimeout(killer);
  return results;
}

// roompeer's log names the codec it receives from the browser ("receiving video H264").
export function assertCodec(result, peerId, codec, browser) {
  const re = new RegExp(`peer ${peerId}: receiving video ${codec}`, 'i');
  assert.match(result.stderr, re, `${result.name} should receive ${codec} from ${peerId}` + explain(result) +
    (browser ? browser.explain() : ''));
}

// The browser's getStats names `codec` for video both ways; H.264 is constrained baseline
// with packetization-mode=1, the profile every browser decodes.
export function assertBrowserCodecs(codecs, codec, result, browser) {
  const why = () => `\ncodecs ${JSON.stringify(codecs)}` + explain(result) + browser.explain();
  assert.ok(codecs, 'no codec stats' + why());
  for (const dir of ['in', 'out']) {
    const c = codecs[dir].video;
    assert.equal(c?.mimeType?.toLowerCase(), `video/${codec}`, `browser ${dir}bound video codec` + why());
    assert.equal(codecs[dir].audio?.mimeType?.toLowerCase(), 'audio/opus', `browser ${dir}bound audio codec` + why());
    if (codec === 'h264') {
      assert.match(c.sdpFmtpLine, /packetization-mode=1/, `browser ${dir}bound H.264 packetization` + why());
      assert.match(c.sdpFmtpLine, /profile-level-id=42e01f/i, `browser ${dir}bound H.264 profile` + why());
    }
  }
}

// Measurements, not assertions: browser join -> first frame from roompeer, and roompeer
// start -> first frame from the browser.
// With `peerStartedAt` (Date.now() at spawn) and the browser already in the room, also
// roompeer start -> the browser's first frame from it.
export function printTimes(browser, stats, result, peerStartedAt) {
  const p = result.report?.peers.find((x) => x.id === browser.selfId);
  const fromJoin = browserFirstFrameMs(browser, stats, result.report?.self_id);
  console.log(`time: browser ${browser.name} join -> first frame from ${result.name}: ` +
    `${fromJoin == null ? 'n/a' : fromJoin + ' ms'}`);
  const first = stats?.[result.report?.self_id]?.firstFrameMs;
  if (peerStartedAt && first != null && peerStartedAt > browser.timeOrigin + browser.joinedMs) {
    console.log(`time: ${result.name} start -> browser ${browser.name}'s first frame from it: ` +
      `${Math.round(browser.timeOrigin + first - peerStartedAt)} ms`);
  }
  if (p) {
    console.log(`${result.name} decoded ${p.video.frames_decoded} frames (${p.video.width}x${p.video.height}) and ` +
      `${p.audio.buffers_decoded} audio buffers from browser ${browser.name}`);
  }
  const s = stats?.[result.report?.self_id];
  if (s) console.log(`browser ${browser.name} decoded ${s.video.framesDecoded} frames from ${result.name}`);
  console.log(`time: ${result.name} start -> first frame from browser ${browser.name}: ` +
    `${p && p.first_video_frame_ms >= 0 ? Math.round(p.first_video_frame_ms) + ' ms' : 'n/a'}`);
}
