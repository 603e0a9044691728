// --sink window under Xvfb: two sending members (alice, bob: their test pictures differ in
// colour, from their names) and one viewer. A screenshot of the root window shows exactly
// one roompeer window, holding two tiles where the grid puts them, each with its sender's
// picture. Then bob's process stops: his tile shows the "video frozen" card; then he leaves:
// the grid closes up to alice alone. Xvfb, ImageMagick's `import` and xwininfo come from
// scripts/setup (xvfb, imagemagick, x11-utils).
import { spawn, execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, startPeer, waitForJoin, waitUntil, assert, explain, tmp } from './lib.mjs';

const W = 640, H = 360;

// Xvfb on a display number it picks itself (-displayfd): tests elsewhere may hold others.
function startXvfb() {
  const proc = spawn('Xvfb', ['-screen', '0', '1024x768x24', '-nolisten', 'tcp', '-displayfd', '3'],
    { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
  let err = '';
  proc.stderr.on('data', (d) => { err += d; });
  const display = new Promise((resolve, reject) => {
    let out = '';
    proc.stdio[3].on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve(':' + out.trim());
    });
    proc.on('error', (e) => reject(new Error(`Xvfb cannot start (install xvfb: scripts/setup): ${e.message}`)));
    proc.on('exit', (code) => reject(new Error(`Xvfb exited ${code}: ${err}`)));
  });
  return { proc, display };
}

// The root window as {w, h, at(x, y) -> [r, g, b]} from `import` (binary PPM).
function screenshot(display, save) {
  const ppm = execFileSync('import', ['-display', display, '-window', 'root', '-depth', '8', 'ppm:-'],
    { maxBuffer: 64 << 20 });
  writeFileSync(save, ppm);
  let pos = 0;
  const token = () => {
    while (/\s/.test(String.fromCharCode(ppm[pos]))) pos++;
    if (ppm[pos] === 0x23) { while (ppm[pos] !== 0x0a) pos++; return token(); }
    let s = '';
    while (!/\s/.test(String.fromCharCode(ppm[pos]))) s += String.fromCharCode(ppm[pos++]);
    return s;
  };
  assert.equal(token(), 'P6', 'import wrote a binary PPM');
  const w = Number(token()), h = Number(token()), max = Number(token());
  assert.equal(max, 255);
  pos++;  // the one whitespace after maxval
  const data = ppm.subarray(pos);
  return { w, h, at: (x, y) => { const i = (y * w + x) * 3; return [data[i], data[i + 1], data[i + 2]]; } };
}

const near = (a, b, tol = 40) => a.every((v, i) => Math.abs(v - b[i]) <= tol);
const rgb = (hex) => [parseInt(hex.slice(0, 2), 16), parseInt(hex.slice(2, 4), 16), parseInt(hex.slice(4, 6), 16)];

// What media/grid_layout.cpp predicts for two 4:3 members in W x H: two cells side by side,
// each picture letterboxed in its cell.
function predictedTiles() {
  const cells = [{ x: 0, y: 0, w: W / 2, h: H }, { x: W / 2, y: 0, w: W / 2, h: H }];
  return cells.map((c) => { const h = Math.floor(c.w * 3 / 4); return { x: c.x, y: c.y + Math.floor((c.h - h) / 2), w: c.w, h }; });
}

const dir = tmp('roompeer-wall-');
const xvfb = startXvfb();
const server = await startServer();
try {
  const display = await xvfb.display;
  console.log(`Xvfb on ${display}`);
  const common = ['--server', server.url, '--room', 'wall', '--video-size', '320x240', '--fps', '15',
    '--audio', 'none', '--duration', '60'];
  const colours = {};
  const names = {};  // member id -> name
  const senders = [];
  for (const name of ['alice', 'bob']) {
    const p = startPeer(name, [...common, '--sink', 'fake'], { dir });
    senders.push(p);
    const [, hex] = await p.waitForLog(/test picture colour #([0-9a-f]{6})/);
    colours[name] = rgb(hex);
    names[await waitForJoin(server, p, 'wall')] = name;
  }
  // The viewer joins last: the room's member list tells it both names, and it calls both.
  const viewer = startPeer('kiosk', [...common, '--video', 'none', '--sink', 'window',
    '--window-size', `${W}x${H}`], { dir, env: { DISPLAY: display } });
  await waitForJoin(server, viewer, 'wall');
  assert.ok(!near(colours.alice, colours.bob, 60), `the senders' colours differ: ${JSON.stringify(colours)}`);
  // Tiles in the order the calls came: which member is in which tile, from the viewer's log.
  const order = [];
  for (let i = 1; i <= 2; i++) {
    const [, id] = await viewer.waitForLog(new RegExp(`video wall: tile ${i}: (\\S+)$`, 'm'));
    order.push(names[id]);
  }
  // Each tile is labelled with its member's name once the room told it.
  for (const [id, name] of Object.entries(names)) await viewer.waitForLog(new RegExp(`video wall: label ${name} \\(${id}\\)`));
  assert.deepEqual([...order].sort(), ['alice', 'bob'], `tiles: ${order}`);
  await viewer.waitForLog(/video wall: \S+ live/, 20000, 2);

  // One roompeer window, W x H.
  const tree = execFileSync('xwininfo', ['-display', display, '-root', '-tree'], { encoding: 'utf8' });
  const windows = [...tree.matchAll(/0x[0-9a-f]+ "roompeer".*?(\d+)x(\d+)\+(-?\d+)\+(-?\d+)/g)];
  assert.equal(windows.length, 1, `exactly one roompeer window:\n${tree}`);
  const [, ww, wh, wx, wy] = windows[0].map(Number);
  assert.deepEqual([ww, wh], [W, H], 'the window has --window-size');

  // Each tile holds its sender's picture (its background colour: most of a sweeping ball
  // pattern), and not the other's. Retried while the first frames settle.
  const tiles = predictedTiles();
  const shot = join(dir, 'wall.ppm');
  let last = '';
  await waitUntil('both tiles show their sender\'s picture', () => {
    const img = screenshot(display, shot);
    const lines = [];
    let ok = true;
    tiles.forEach((t, i) => {
      const mine = colours[order[i]], other = colours[order[1 - i]];
      let hit = 0, wrong = 0, n = 0;
      for (let gy = 1; gy < 10; gy++) {
        for (let gx = 1; gx < 10; gx++) {
          const px = img.at(wx + t.x + Math.floor(t.w * gx / 10), wy + t.y + Math.floor(t.h * gy / 10));
          n++;
          if (near(px, mine)) hit++;
          if (near(px, other)) wrong++;
        }
      }
      lines.push(`tile ${i + 1} (${order[i]}): ${hit}/${n} samples of its colour, ${wrong} of the other's`);
      ok = ok && hit >= n / 2 && wrong === 0;
    });
    last = lines.join('\n');
    return ok;
  }, { ms: 20000, detail: () => `${last}\nscreenshot: ${shot}\n${viewer.stderr()}` });
  console.log(last);
  console.log(`screenshot: ${shot}`);

  // A member whose video stops shows a card, not its last frame: bob's process stops.
  const idOf = Object.fromEntries(Object.entries(names).map(([id, name]) => [name, id]));
  const bobTile = order.indexOf('bob');
  const bob = senders[1];
  const cardAt = (img, i) => img.at(wx + i * (W / 2) + 3, wy + 3);
  bob.proc.kill('SIGSTOP');
  await viewer.waitForLog(new RegExp(`video wall: ${idOf.bob} frozen`));
  await waitUntil('bob\'s tile shows the "video frozen" card', () =>
    near(cardAt(screenshot(display, shot), bobTile), [0x30, 0x38, 0x40], 16),
  { ms: 10000, detail: () => `at its cell's corner: ${cardAt(screenshot(display, shot), bobTile)}` });
  assert.ok(near(cardAt(screenshot(display, shot), 1 - bobTile), [0, 0, 0], 16), 'alice\'s tile: still live (black bars)');
  console.log('a frozen member shows its card: ok');
  bob.proc.kill('SIGCONT');
  await viewer.waitForLog(new RegExp(`video wall: ${idOf.bob} live`), 15000, 2);

  // bob leaves: the grid closes up to one tile, alice's picture in the middle of the window.
  bob.proc.kill('SIGINT');
  await viewer.waitForLog(new RegExp(`video wall: ${idOf.bob} left the grid`), 20000);
  await waitUntil('alice alone fills the grid', () => {
    const img = screenshot(display, shot);
    const t = { x: (W - H * 4 / 3) / 2, y: 0, w: H * 4 / 3, h: H };  // 480x360, centred
    let hit = 0, bobs = 0;
    for (let gy = 1; gy < 10; gy++) {
      for (let gx = 1; gx < 10; gx++) {
        const px = img.at(wx + t.x + Math.floor(t.w * gx / 10), wy + t.y + Math.floor(t.h * gy / 10));
        if (near(px, colours.alice)) hit++;
        if (near(px, colours.bob)) bobs++;
      }
    }
    last = `one tile: ${hit}/81 samples of alice's colour, ${bobs} of bob's`;
    return hit >= 40 && bobs === 0;
  }, { ms: 15000, detail: () => last });
  console.log(last);

  for (const p of [senders[0], viewer]) p.proc.kill('SIGINT');
  const results = await Promise.all([...senders, viewer].map((p) => p.done));
  for (const r of results) assert.equal(r.code, 0, `${r.name} exits 0` + explain(r));
  const kiosk = results[2];
  assert.equal(kiosk.report.peers.length, 2, 'the viewer called both' + explain(kiosk));
  for (const p of kiosk.report.peers) assert.ok(p.video.frames_decoded > 0, 'decoded video' + explain(kiosk));
  console.log('one window, two tiles, each sender\'s picture: ok');
} finally {
  await server.stop();
  xvfb.proc.kill('SIGTERM');
}
