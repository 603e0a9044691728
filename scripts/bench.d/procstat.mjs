// Process accounting for scripts/bench: CPU time (utime + stime from /proc/PID/stat) and
// memory (PSS from /proc/PID/smaps_rollup) of process trees, sampled every 200 ms.
import { readFileSync, readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

let clkTck = 100;
try {
  clkTck = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
} catch {}
export const CLK_TCK = clkTck;

// {pid, comm, ppid, ticks (utime + stime of the process itself, all its threads)} or null
// when the process is gone.
export function readStat(pid) {
  let text;
  try { text = readFileSync(`/proc/${pid}/stat`, 'utf8'); } catch { return null; }
  const close = text.lastIndexOf(')');
  const comm = text.slice(text.indexOf('(') + 1, close);
  const f = text.slice(close + 2).split(' ');
  // f[0] is field 3 (state); utime is field 14, stime field 15.
  return { pid, comm, ppid: Number(f[1]), state: f[0], ticks: Number(f[11]) + Number(f[12]) };
}

// PSS in kB, or 0 when the process is gone (or a zombie).
export function readPssKb(pid) {
  try {
    const m = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8').match(/^Pss:\s+(\d+) kB/m);
    return m ? Number(m[1]) : 0;
  } catch { return 0; }
}

// Every live process: Map pid -> stat.
export function allProcs() {
  const out = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = readStat(Number(name));
    if (s) out.set(s.pid, s);
  }
  return out;
}

// `roots` and all their descendants among `procs`.
export function tree(roots, procs = allProcs()) {
  const kids = new Map();
  for (const s of procs.values()) {
    if (!kids.has(s.ppid)) kids.set(s.ppid, []);
    kids.get(s.ppid).push(s.pid);
  }
  const seen = new Set();
  const todo = roots.filter((p) => procs.has(p));
  while (todo.length) {
    const p = todo.pop();
    if (seen.has(p)) continue;
    seen.add(p);
    for (const k of kids.get(p) ?? []) todo.push(k);
  }
  return [...seen].map((p) => procs.get(p));
}

// Children of `pid` whose command name matches `re`.
export function childrenMatching(pid, re, procs = allProcs()) {
  return [...procs.values()].filter((s) => s.ppid === pid && re.test(s.comm)).map((s) => s.pid);
}

// Samples the process trees below `rootsFn()` every `intervalMs` from start() to stop():
// peak summed PSS over the whole time, and CPU seconds between beginWindow() and
// endWindow(). A process that exits counts with its last sampled CPU time; one that starts
// inside the window counts in full.
export class Monitor {
  constructor(rootsFn, { intervalMs = 200 } = {}) {
    this.rootsFn = rootsFn;
    this.intervalMs = intervalMs;
    this.lastTicks = new Map();  // pid -> ticks at its last sample
    this.base = null;            // pid -> ticks at beginWindow()
    this.peakPssKb = 0;
    this.samples = 0;
    this.maxProcs = 0;
    this.timer = null;
    this.comms = new Set();
  }

  sample() {
    const procs = allProcs();
    const members = tree(this.rootsFn(procs), procs);
    let pss = 0;
    for (const s of members) {
      this.lastTicks.set(s.pid, s.ticks);
      this.comms.add(s.comm);
      pss += readPssKb(s.pid);
    }
    if (members.length) this.samples += 1;
    this.maxProcs = Math.max(this.maxProcs, members.length);
    this.peakPssKb = Math.max(this.peakPssKb, pss);
    return members;
  }

  start() {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    return this;
  }

  beginWindow() {
    this.sample();
    this.base = new Map(this.lastTicks);
    this.windowStart = performance.now();
  }

  // Returns {cpuSeconds, wallSeconds} of the window.
  endWindow() {
    this.sample();
    let ticks = 0;
    for (const [pid, t] of this.lastTicks) ticks += t - (this.base.get(pid) ?? 0);
    return { cpuSeconds: ticks / CLK_TCK, wallSeconds: (performance.now() - this.windowStart) / 1000 };
  }

  stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    return { peakPssMb: this.peakPssKb / 1024, samples: this.samples, maxProcs: this.maxProcs,
      commands: [...this.comms].sort() };
  }
}
