// Reading and measuring the WAV files --audio-out file:PATH.wav writes (issue 13, section 2).
import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';

// { rate, channels, samples: Float32Array (mono: the channels averaged), dataBytes, finalized }
// `finalized`: the header's sizes match the file (wavenc rewrites them at EOS).
export function readWav(path) {
  const buf = readFileSync(path);
  assert.equal(buf.toString('ascii', 0, 4), 'RIFF', `${path} is a RIFF file`);
  assert.equal(buf.toString('ascii', 8, 12), 'WAVE', `${path} is a WAVE file`);
  let off = 12, fmt = null, data = null;
  while (off + 8 <= buf.length) {
    const id = buf.toString('ascii', off, off + 4);
    const size = buf.readUInt32LE(off + 4);
    if (id === 'fmt ') fmt = { channels: buf.readUInt16LE(off + 10), rate: buf.readUInt32LE(off + 12), bits: buf.readUInt16LE(off + 22) };
    if (id === 'data') { data = { off: off + 8, size }; break; }
    off += 8 + size + (size & 1);
  }
  assert.ok(fmt && data, `${path} has fmt and data chunks`);
  assert.equal(fmt.bits, 16, `${path}: 16-bit samples`);
  const available = buf.length - data.off;
  const bytes = Math.min(data.size, available);
  const frames = Math.floor(bytes / (2 * fmt.channels));
  const samples = new Float32Array(frames);
  for (let i = 0; i < frames; i++) {
    let s = 0;
    for (let c = 0; c < fmt.channels; c++) s += buf.readInt16LE(data.off + 2 * (i * fmt.channels + c));
    samples[i] = s / fmt.channels / 32768;
  }
  return { rate: fmt.rate, channels: fmt.channels, samples, dataBytes: data.size,
    finalized: data.size === available && buf.readUInt32LE(4) === buf.length - 8 };
}

// The amplitude of the sine at `hz` in x[from, from + n) (Goertzel).
export function toneAmplitude(x, from, n, hz, rate) {
  const w = (2 * Math.PI * hz) / rate;
  const coeff = 2 * Math.cos(w);
  let s1 = 0, s2 = 0;
  for (let i = from; i < from + n; i++) {
    const s0 = x[i] + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  return (2 * Math.sqrt(Math.max(power, 0))) / n;
}

// Per window of `ms`: the amplitude of each tone in `hzList`.
export function toneTrack(wav, hzList, ms = 20) {
  const n = Math.round((wav.rate * ms) / 1000);
  const out = [];
  for (let from = 0; from + n <= wav.samples.length; from += n)
    out.push(hzList.map((hz) => toneAmplitude(wav.samples, from, n, hz, wav.rate)));
  return out;
}

// RMS level in dBFS of x[from, to).
export function rmsDb(x, from = 0, to = x.length) {
  let sum = 0;
  for (let i = from; i < to; i++) sum += x[i] * x[i];
  return 10 * Math.log10(sum / Math.max(1, to - from) + 1e-20);
}
