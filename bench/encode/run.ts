/**
 * Encode benchmark (prints figures; not a test). Run: npx tsx bench/encode/run.ts
 *
 * 1. Overhead: a 5-frame 1080×1080 burst through encodeLoop vs. the bare sharp + ffmpeg calls
 *    making the same four outputs (baseline.ts), alternated in one run, median of REPS each.
 * 2. Throughput: N encodes with 1 and with 2 in flight → loops per minute.
 * Env: BENCH_REPS (default 5), BENCH_N (default 8).
 */
import { availableParallelism, loadavg } from 'node:os';
import { execFileSync } from 'node:child_process';
import sharp from 'sharp';
import { binaries } from '../../subgraphs/media/src/ffmpeg.ts';
import { encodeLoop, type Effect } from '../../subgraphs/media/src/pipeline/index.ts';
import { makeJpegFrames } from '../../subgraphs/media/test/support/frames.ts';
import { bareEncode } from './baseline.ts';

const REPS = Number(process.env.BENCH_REPS ?? 5);
const N = Number(process.env.BENCH_N ?? 8);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t0 = performance.now();
  const out = await fn();
  return [performance.now() - t0, out];
}
const kib = (b: Buffer) => `${(b.length / 1024).toFixed(0)} KiB`;

/** Runs `count` jobs keeping `inFlight` of them running; returns loops per minute. */
async function throughput(count: number, inFlight: number, job: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (next < count) await job(next++);
  }));
  return (count / (performance.now() - t0)) * 60_000;
}

const started = performance.now();
const bin = binaries();
const version = execFileSync(bin.ffmpeg.path, ['-version']).toString().split('\n')[0];
console.log(`node ${process.version}, ${availableParallelism()} cores, sharp ${sharp.versions.sharp} (libvips ${sharp.versions.vips})`);
console.log(`ffmpeg (${bin.ffmpeg.source}): ${version}`);
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
console.log(`load average at start: ${load()} (other work on the machine skews every figure)`);

const burst = await makeJpegFrames(5, 1080, 1080, true); // photo-like texture: encoders do real work
const opts = { mode: 'BOUNCE', effect: 'NONE', fps: 10, kind: 'FRAMES' } as const;

// Warm-up: first calls pay for fluent-ffmpeg's capability probes, JIT and libvips caches.
const warmPipe = await encodeLoop(burst, opts);
const warmBare = await bareEncode(burst, bin.ffmpeg.path);
console.log(`outputs  pipeline: mp4 ${kib(warmPipe.mp4)}, webp ${kib(warmPipe.webp)}, gif ${kib(warmPipe.gif)}, poster ${kib(warmPipe.poster)}`);
console.log(`         bare:     mp4 ${kib(warmBare.mp4)}, webp ${kib(warmBare.webp)}, gif ${kib(warmBare.gif)}, poster ${kib(warmBare.poster)}`);

const pipeTimes: number[] = [];
const bareTimes: number[] = [];
for (let r = 0; r < REPS; r++) {
  // Alternate so drift (thermal, page cache) hits both sides equally.
  pipeTimes.push((await timed(() => encodeLoop(burst, opts)))[0]);
  bareTimes.push((await timed(() => bareEncode(burst, bin.ffmpeg.path)))[0]);
}
const p = median(pipeTimes);
const b = median(bareTimes);
console.log(`\none encode, 5×1080² BOUNCE NONE @10 fps, median of ${REPS}:`);
console.log(`  encodeLoop ${p.toFixed(0)} ms   bare ${b.toFixed(0)} ms   ratio ${(p / b).toFixed(3)} (overhead ${(((p / b) - 1) * 100).toFixed(1)}%, goal < 20%)`);
console.log(`  runs: pipeline [${pipeTimes.map((t) => t.toFixed(0)).join(', ')}] bare [${bareTimes.map((t) => t.toFixed(0)).join(', ')}]`);

// Throughput with the effects users actually pick, cycled, so effect cost is included.
const effects: Effect[] = ['NONE', 'DAZE', 'SOLO', 'DAILY'];
const job = (threads?: number) => (i: number) =>
  encodeLoop(burst, { ...opts, effect: effects[i % effects.length]!, ...(threads ? { ffmpegThreads: threads } : {}) });
console.log(`\nthroughput, ${N} encodes cycling ${effects.join('/')}:`);
console.log(`  concurrency 1, ffmpeg threads auto: ${(await throughput(N, 1, job())).toFixed(1)} loops/min`);
console.log(`  concurrency 2, ffmpeg threads auto: ${(await throughput(N, 2, job())).toFixed(1)} loops/min`);
console.log(`  concurrency 2, ffmpeg -threads 1:   ${(await throughput(N, 2, job(1))).toFixed(1)} loops/min`);
console.log(`\ntotal bench time ${((performance.now() - started) / 1000).toFixed(1)} s; load average at end: ${load()}`);
