// The 'bench' meson test: runs `scripts/bench --quick --out <tmp>` and fails unless it exits
// 0, prints the markdown table and its JSON holds every number. The values themselves are
// not checked (timings on a shared machine are no pass/fail matter). Latency may be null
// only when roompeer has no --latency-probe option.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const roompeer = process.env.ROOMPEER ?? join(root, 'build', 'src', 'roompeer');
const dir = mkdtempSync(join(tmpdir(), 'roompeer-bench-check-'));
const out = join(dir, 'bench.json');

const proc = spawn(join(root, 'scripts', 'bench'), ['--quick', '--out', out], {
  stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ROOMPEER: roompeer },
});
let stdout = '';
proc.stdout.on('data', (d) => { stdout += d; process.stdout.write(d); });
const code = await new Promise((r) => proc.on('exit', (c, s) => r(c ?? s)));

const problems = [];
if (code !== 0) problems.push(`scripts/bench --quick exited ${code}`);
let r = null;
try { r = JSON.parse(readFileSync(out, 'utf8')); } catch (err) { problems.push(`no JSON at ${out}: ${err.message}`); }
rmSync(dir, { recursive: true, force: true });

const help = spawnSync(roompeer, ['--help'], { encoding: 'utf8' });
const hasProbe = /--latency-probe\b/.test(help.stdout ?? '');

let checked = 0;
const get = (path) => path.split('.').reduce((o, k) => (o == null ? undefined : o[k]), r);
function num(path, { positive = false, nullable = false } = {}) {
  const v = get(path);
  checked += 1;
  if (nullable && v === null) return;
  if (typeof v !== 'number' || !Number.isFinite(v)) problems.push(`${path}: expected a number, got ${JSON.stringify(v)}`);
  else if (positive && !(v > 0)) problems.push(`${path}: expected > 0, got ${v}`);
}

if (r) {
  num('machine.nproc', { positive: true });
  for (const k of ['cpu_model', 'date']) {
    if (typeof r.machine?.[k] !== 'string' || !r.machine[k]) problems.push(`machine.${k} missing`);
  }
  const runs = r.setup?.runs;
  num('setup.runs', { positive: true });
  for (const k of ['roompeer', 'roompeer_from_spawn', 'chromium', 'chromium_from_join']) {
    num(`setup.${k}.median_ms`, { positive: true });
    const xs = get(`setup.${k}.samples_ms`);
    if (!Array.isArray(xs) || xs.length !== runs) problems.push(`setup.${k}.samples_ms: expected ${runs} samples`);
    else xs.forEach((_, i) => num(`setup.${k}.samples_ms.${i}`, { positive: true }));
  }
  for (const size of ['640x480', '240x240']) {
    for (const who of ['roompeer', 'chromium', 'floor']) {
      num(`calls.${size}.${who}.cpu_s`, { positive: true });
      num(`calls.${size}.${who}.peak_pss_mb`, { positive: true });
      num(`calls.${size}.${who}.window_s`, { positive: true });
    }
    for (const who of ['roompeer', 'chromium']) {
      for (const i of [0, 1]) num(`calls.${size}.${who}.received.${i}.fps`, { positive: true });
    }
    num(`ratios.cpu_vs_floor.${size}`, { positive: true });
    num(`ratios.cpu_vs_chromium.${size}`, { positive: true });
    num(`ratios.memory_vs_chromium.${size}`, { positive: true });
  }
  for (const k of ['p50_ms', 'p95_ms']) num(`latency.${k}`, { nullable: !hasProbe });
  if (hasProbe && r.latency?.p50_ms === null) problems.push('latency is null although roompeer has --latency-probe');
  const fan = r.fanout ?? [];
  for (const n of [1, 2, 4]) {
    const i = fan.findIndex((f) => f.receivers === n);
    if (i < 0) problems.push(`fanout: no entry for ${n} receivers`);
    else {
      num(`fanout.${i}.sender_cpu_s_per_10s`, { positive: true });
      num(`fanout.${i}.sender_peak_pss_mb`, { positive: true });
    }
  }
  num('ratios.setup_speedup_vs_chromium', { positive: true });
  num('ratios.setup_speedup_vs_chromium_from_spawn', { positive: true });
  num('ratios.fanout_4_vs_1', { positive: true });
  // Constrained link (issue #12): two rows with --quick, every figure of both parties.
  const cl = r.constrained ?? [];
  if (cl.length !== 2) problems.push(`constrained: expected 2 rows with --quick, got ${cl.length}`);
  cl.forEach((_, i) => {
    for (const who of ['roompeer', 'chromium']) {
      num(`constrained.${i}.${who}.fps`, { positive: true });
      num(`constrained.${i}.${who}.freeze_ms`);
      num(`constrained.${i}.${who}.sent_kbps`, { positive: true });
    }
    // A thin link may put the receiver on the quarter-size low layer, whose picture is too
    // small for the --latency-probe stamp: no latency then (the table shows a dash).
    num(`constrained.${i}.roompeer.latency_p95_ms`, { nullable: true, positive: true });
  });
}
for (const needle of ['| roompeer pair |', '| Chromium pair', '| floor', '| receivers |', 'Machine:',
  '**Constrained link**']) {
  if (!stdout.includes(needle)) problems.push(`the markdown table on stdout lacks '${needle}'`);
}

if (problems.length) {
  console.error(`\nbench --quick check FAILED:\n- ${problems.join('\n- ')}`);
  process.exit(1);
}
console.log(`\nbench --quick check: ${checked} numbers present${hasProbe ? '' : ' (latency n/a: no --latency-probe)'}`);
