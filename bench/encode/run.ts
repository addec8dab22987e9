/**
 * Encode benchmark (prints figures; not a test). Run: npx tsx bench/encode/run.ts
 * Needs Postgres (TEST_PG_ADMIN_URL, default postgresql://postgres@127.0.0.1:5432/postgres) and
 * Redis (REDIS_URL, default redis://127.0.0.1:6379); see README.md for what each figure includes.
 *
 * 1. Pipeline overhead: encodeLoop vs. the bare sharp + ffmpeg calls (baseline.ts), in process.
 * 2. Job overhead: the worker's encodeJobHandler (S3 reads, encodeLoop, S3 writes, status rows,
 *    pub/sub) vs. the bare calls plus the same S3 reads and writes done bare.
 * 3. Throughput: the real BullMQ worker (startMediaWorker) at WORKER_CONCURRENCY 1 and 2.
 * Env: BENCH_REPS (default 5) for 1 and 2, BENCH_N (default 8) loops per concurrency for 3.
 */
import { availableParallelism, loadavg } from 'node:os';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import type { Effect } from '@fffoto/shared/db';
import { createLogger } from '@fffoto/shared/logger';
import { createPubSub, channels } from '@fffoto/shared/pubsub';
import { binaries } from '../../subgraphs/media/src/ffmpeg.ts';
import { encodeLoop } from '../../subgraphs/media/src/pipeline/index.ts';
import { createBullQueue } from '../../subgraphs/media/src/queue.ts';
import { createRuntime, encodeDeps } from '../../subgraphs/media/src/runtime.ts';
import { encodeJobHandler } from '../../subgraphs/media/src/encode-job.ts';
import { startMediaWorker } from '../../subgraphs/media/src/worker/app.ts';
import { makeJpegFrames } from '../../subgraphs/media/test/support/frames.ts';
import { bareEncode, bareS3 } from './baseline.ts';
import { seedLoop, startBenchEnv, type BenchEnv } from './env.ts';

const REPS = Number(process.env.BENCH_REPS ?? 5);
const N = Number(process.env.BENCH_N ?? 8);
/** A throughput phase that takes longer than this is abandoned (the bench must stay short). */
const PHASE_TIMEOUT_MS = Number(process.env.BENCH_PHASE_TIMEOUT_MS ?? 150_000);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
/** Wall ms, result, and CPU seconds this process and its children used meanwhile (ownCpu). */
async function timed<T>(fn: () => Promise<T>): Promise<[number, T, number]> {
  const c0 = ownCpu();
  const t0 = performance.now();
  const out = await fn();
  return [performance.now() - t0, out, ownCpu() - c0];
}
const kib = (b: Buffer | number) => `${((typeof b === 'number' ? b : b.length) / 1024).toFixed(0)} KiB`;
const ms = (x: number) => `${x.toFixed(0)} ms`;
const cpuS = (x: number) => `${x.toFixed(2)} CPU-s`;
const list = (xs: number[]) => `[${xs.map((t) => t.toFixed(0)).join(', ')}]`;
const ratioLine = (a: number, b: number) => `ratio ${(a / b).toFixed(3)} (overhead ${(((a / b) - 1) * 100).toFixed(1)}%, goal < 20%)`;
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
const sleep = (msec: number) => new Promise((r) => setTimeout(r, msec));

// ------------------------------------------------------------------ CPU accounting

const TICK = 100; // USER_HZ: /proc reports CPU time in 1/100 s on Linux
/** CPU seconds used by this process and its exited children (ffmpeg), from /proc/self/stat. */
function ownCpu(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // f[0] is field 3 (state)
    return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / TICK; // utime stime cutime cstime
  } catch {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  }
}
/** CPU seconds all processes on the machine have run (user, nice, system, irq, softirq), from /proc/stat. */
function machineCpu(): number {
  try {
    const [, ...v] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).map(Number);
    return (v[0]! + v[1]! + v[2]! + v[5]! + v[6]!) / TICK; // user nice system irq softirq
  } catch {
    return NaN;
  }
}
/**
 * Starts a meter; its result says how busy the cores were during a section and how much of
 * that was this bench (with its ffmpeg children) vs. everything else on the machine.
 */
function cpuMeter() {
  const t0 = performance.now();
  const own0 = ownCpu();
  const all0 = machineCpu();
  return () => {
    const wall = (performance.now() - t0) / 1000;
    const own = ownCpu() - own0;
    const others = Math.max(0, machineCpu() - all0 - own);
    const cores = availableParallelism();
    return `CPU: this bench ${own.toFixed(1)} s, other processes ${others.toFixed(1)} s, ` +
      `in ${wall.toFixed(1)} s wall × ${cores} cores = ${(wall * cores).toFixed(1)} s available ` +
      `(bench ${((own / wall / cores) * 100).toFixed(0)}%, others ${((others / wall / cores) * 100).toFixed(0)}%)`;
  };
}

// ------------------------------------------------------------------ timing probes for the job

interface Mark { name: string; start: number; end: number }
/** Wraps the named async methods of `target` so each call's start and end are recorded. */
function probe<T extends object>(target: T, names: string[], marks: Mark[]): T {
  return new Proxy(target, {
    get(t, prop) {
      const value = Reflect.get(t, prop, t) as unknown;
      if (typeof value !== 'function') return value;
      const fn = value as (...args: unknown[]) => Promise<unknown>;
      if (!names.includes(String(prop))) return fn.bind(t);
      return async (...args: unknown[]) => {
        const start = performance.now();
        try {
          return await fn.apply(t, args);
        } finally {
          marks.push({ name: String(prop), start, end: performance.now() });
        }
      };
    },
  });
}
/** Wall time from the first start to the last end of the named calls (they run in parallel). */
function span(marks: Mark[], names: string[]): number {
  const m = marks.filter((x) => names.includes(x.name));
  return m.length ? Math.max(...m.map((x) => x.end)) - Math.min(...m.map((x) => x.start)) : 0;
}

// ------------------------------------------------------------------ the run

const started = performance.now();
const bin = binaries();
const version = execFileSync(bin.ffmpeg.path, ['-version']).toString().split('\n')[0];
console.log(`node ${process.version}, ${availableParallelism()} cores, sharp ${sharp.versions.sharp} (libvips ${sharp.versions.vips})`);
console.log(`ffmpeg: ${bin.ffmpeg.path} (${bin.ffmpeg.source}): ${version}`);
console.log(`load average at start: ${load()} (1/5/15 min; other work on the machine skews every figure)`);

const burst = await makeJpegFrames(5, 1080, 1080, true); // photo-like texture: encoders do real work
const opts = { mode: 'BOUNCE', effect: 'NONE', fps: 10, kind: 'FRAMES' } as const;

// ---------------------------------------------------------------- 1. encodeLoop vs bare commands

let cpu = cpuMeter();
// Warm-up: first calls pay for fluent-ffmpeg's capability probes, JIT and libvips caches.
const warmPipe = await encodeLoop(burst, opts);
const warmBare = await bareEncode(burst, bin.ffmpeg.path);
console.log(`outputs  pipeline: mp4 ${kib(warmPipe.mp4)}, webp ${kib(warmPipe.webp)}, gif ${kib(warmPipe.gif)}, poster ${kib(warmPipe.poster)}`);
console.log(`         bare:     mp4 ${kib(warmBare.mp4)}, webp ${kib(warmBare.webp)}, gif ${kib(warmBare.gif)}, poster ${kib(warmBare.poster)}`);

const pipeTimes: number[] = [];
const bareTimes: number[] = [];
const pipeCpu: number[] = [];
const bareCpu: number[] = [];
for (let r = 0; r < REPS; r++) {
  // Alternate so drift (thermal, page cache, other processes) hits both sides equally.
  const [pt, , pc] = await timed(() => encodeLoop(burst, opts));
  const [bt, , bc] = await timed(() => bareEncode(burst, bin.ffmpeg.path));
  pipeTimes.push(pt);
  pipeCpu.push(pc);
  bareTimes.push(bt);
  bareCpu.push(bc);
}
const p = median(pipeTimes);
const b = median(bareTimes);
console.log(`\n[1] pipeline vs bare commands, in process, buffers in → buffers out; 5×1080² BOUNCE NONE @10 fps, median of ${REPS}:`);
console.log(`  encodeLoop ${ms(p)}   bare sharp+ffmpeg ${ms(b)}   ${ratioLine(p, b)}`);
console.log(`  runs: encodeLoop ${list(pipeTimes)} bare ${list(bareTimes)}`);
console.log(`  CPU per encode (median; this process + ffmpeg): encodeLoop ${cpuS(median(pipeCpu))}, bare ${cpuS(median(bareCpu))}, ` +
  `ratio ${(median(pipeCpu) / median(bareCpu)).toFixed(3)}`);
console.log(`  ${cpu()}`);

// ---------------------------------------------------------------- 2 and 3 need S3, Postgres, Redis

let benv: BenchEnv | undefined;
const closers: Array<() => Promise<unknown>> = [];
let exitCode = 0;
let cleaning: Promise<void> | undefined;
const cleanup = () => {
  cleaning ??= (async () => {
    for (const close of closers.reverse()) await close().catch((err: Error) => console.error(`cleanup: ${err.message}`));
    if (benv) for (const line of await benv.close()) console.log(`cleanup: ${line}`);
  })();
  return cleaning;
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: cleaning up`);
    void cleanup().finally(() => process.exit(130));
  });
}

try {
  benv = await startBenchEnv();
  const env = benv;
  console.log(`\nbench systems: database ${env.dbName}, Redis prefix ${env.redisPrefix}, local S3 ${env.env.S3_ENDPOINT}`);

  // ------------------------------------------------------------ 2. worker job vs bare + S3
  // Built exactly as startMediaWorker builds it (createRuntime + encodeDeps), concurrency 1.
  const config = env.config({ WORKER_CONCURRENCY: '1' });
  const rt = createRuntime(config);
  closers.push(() => rt.close());
  const marks: Mark[] = [];
  const deps = {
    ...encodeDeps(rt, createLogger('bench-job', 'silent')),
    storage: probe(rt.storage, ['head', 'get', 'put'], marks),
    loops: probe(rt.loops, ['markProcessing', 'markReady'], marks),
    ffmpegThreads: undefined,
  };
  const handler = encodeJobHandler(deps);
  const runJob = (loopId: string) =>
    handler({ loopId, attempt: 1, attempts: 1, signal: AbortSignal.timeout(config.WORKER_JOB_TIMEOUT_MS) });
  const s3 = bareS3({
    endpoint: env.env.S3_ENDPOINT!, region: config.S3_REGION, bucket: config.S3_BUCKET,
    accessKeyId: config.S3_ACCESS_KEY_ID!, secretAccessKey: config.S3_SECRET_ACCESS_KEY!,
  });
  closers.push(async () => s3.destroy());
  const bareJob = async (partKeys: string[], outPrefix: string) => {
    const t0 = performance.now();
    const parts = await s3.getAll(partKeys);
    const t1 = performance.now();
    const out = await bareEncode(parts, bin.ffmpeg.path);
    const t2 = performance.now();
    await s3.putAll(outPrefix, out);
    const t3 = performance.now();
    return { total: t3 - t0, get: t1 - t0, encode: t2 - t1, put: t3 - t2 };
  };

  // Every job needs its own PENDING loop (a READY loop is not encoded again): seeded untimed.
  const seeds: Array<Awaited<ReturnType<typeof seedLoop>>> = [];
  for (let r = 0; r <= REPS; r++) seeds.push(await seedLoop(rt.db, rt.storage, burst, 'NONE'));

  // Warm-up (connection pools, first S3 and SQL round trips), listening to the job's events.
  const listener = createPubSub(env.redisUrl, env.redisPrefix);
  const events: string[] = [];
  const subId = await listener.pubsub.subscribe(channels.loopUpdated(seeds[0]!.loopId), (m: unknown) => {
    events.push((m as { loopUpdated: { status: string } }).loopUpdated.status);
  }, {});
  await runJob(seeds[0]!.loopId);
  await bareJob(seeds[0]!.partKeys, 'bench-bare/warm/');
  await sleep(200);
  listener.pubsub.unsubscribe(subId);
  await listener.close();
  const warm = await rt.db.loop.findUniqueOrThrow({ where: { id: seeds[0]!.loopId } });
  const written = await rt.storage.list(`loops/${warm.id}/`);
  console.log(`warm-up job: loop ${warm.status}, ${written.length} objects under loops/<id>/ ` +
    `(mp4 ${kib(warm.mp4Bytes ?? 0)}, webp ${kib(warm.webpBytes ?? 0)}, gif ${kib(warm.gifBytes ?? 0)}, poster ${kib(warm.posterBytes ?? 0)}), ` +
    `loopUpdated events heard on Redis: ${events.join(' → ') || 'none'}`);

  cpu = cpuMeter();
  const jobTimes: number[] = [];
  const jobCpu: number[] = [];
  const bareS3Cpu: number[] = [];
  const jobRead: number[] = [];
  const jobWrite: number[] = [];
  const jobStatus: number[] = [];
  const bareRuns: Array<Awaited<ReturnType<typeof bareJob>>> = [];
  for (let r = 1; r <= REPS; r++) {
    marks.length = 0;
    const [jt, , jc] = await timed(() => runJob(seeds[r]!.loopId));
    jobTimes.push(jt);
    jobCpu.push(jc);
    jobRead.push(span(marks, ['head', 'get']));
    jobWrite.push(span(marks, ['put']));
    jobStatus.push(span(marks, ['markProcessing']) + span(marks, ['markReady']));
    const [, bareRun, bc] = await timed(() => bareJob(seeds[r]!.partKeys, `bench-bare/${r}/`));
    bareRuns.push(bareRun);
    bareS3Cpu.push(bc);
  }
  const notReady = await rt.db.loop.count({ where: { id: { in: seeds.map((s) => s.loopId) }, status: { not: 'READY' } } });
  if (notReady) throw new Error(`${notReady} bench job loops did not end READY`);
  const j = median(jobTimes);
  const bs = median(bareRuns.map((x) => x.total));
  const bc = median(bareRuns.map((x) => x.encode));
  console.log(`\n[2] worker job vs bare commands + bare S3, real local S3 / Postgres / Redis; same burst, median of ${REPS}:`);
  console.log(`  encodeJobHandler ${ms(j)}   bare S3 get + sharp+ffmpeg + S3 put ${ms(bs)}   ${ratioLine(j, bs)}`);
  console.log(`  job vs bare commands alone (no I/O, same runs): ${ms(j)} / ${ms(bc)} = ${(j / bc).toFixed(3)}`);
  console.log(`  job breakdown (medians): read parts (HEAD + GET per part) ${ms(median(jobRead))}, ` +
    `write 4 outputs ${ms(median(jobWrite))}, markProcessing + markReady (UPDATE, SELECT, PUBLISH each) ${ms(median(jobStatus))}, ` +
    `rest (loop SELECT + encodeLoop) ${ms(median(jobTimes.map((t, i) => t - jobRead[i]! - jobWrite[i]! - jobStatus[i]!)))}`);
  console.log(`  bare breakdown (medians): get 5 parts ${ms(median(bareRuns.map((x) => x.get)))}, ` +
    `sharp+ffmpeg ${ms(bc)}, put 4 outputs ${ms(median(bareRuns.map((x) => x.put)))}`);
  console.log(`  runs: job ${list(jobTimes)} bare+S3 ${list(bareRuns.map((x) => x.total))}`);
  console.log(`  CPU per run (median; this process incl. the in-process S3 server + ffmpeg; not Postgres/Redis): ` +
    `job ${cpuS(median(jobCpu))}, bare+S3 ${cpuS(median(bareS3Cpu))}, ratio ${(median(jobCpu) / median(bareS3Cpu)).toFixed(3)}`);
  console.log(`  ${cpu()}`);

  // ------------------------------------------------------------ 3. throughput through BullMQ
  const effects: Effect[] = ['NONE', 'DAZE', 'SOLO', 'DAILY'];
  const queue = createBullQueue(env.redisUrl, env.redisPrefix, config.WORKER_ATTEMPTS);
  closers.push(() => queue.close());
  const throughput = async (concurrency: number) => {
    const ids: string[] = [];
    for (let i = 0; i < N; i++) ids.push((await seedLoop(rt.db, rt.storage, burst, effects[i % effects.length]!)).loopId);
    const worker = await startMediaWorker(env.config({ WORKER_CONCURRENCY: String(concurrency) }));
    let stopped = false;
    const stop = async () => {
      if (!stopped) await worker.stop();
      stopped = true;
    };
    closers.push(stop);
    const meter = cpuMeter();
    const c0 = ownCpu();
    try {
      const t0 = Date.now();
      for (const id of ids) await queue.enqueue(id);
      let maxInFlight = 0;
      for (;;) {
        const rows = await rt.db.loop.findMany({ where: { id: { in: ids } }, select: { status: true, readyAt: true, error: true, attempts: true } });
        maxInFlight = Math.max(maxInFlight, rows.filter((x) => x.status === 'PROCESSING').length);
        const failed = rows.find((x) => x.status === 'FAILED');
        if (failed) throw new Error(`a loop FAILED at concurrency ${concurrency}: ${failed.error}`);
        if (rows.every((x) => x.status === 'READY')) {
          // readyAt is stamped by the worker (this process's clock) when the loop turns READY.
          const end = Math.max(...rows.map((x) => x.readyAt!.getTime()));
          const attempts = rows.reduce((a, x) => a + x.attempts, 0);
          return { lpm: (N / (end - t0)) * 60_000, seconds: (end - t0) / 1000, maxInFlight, attempts, cpu: meter(), cpuPerLoop: (ownCpu() - c0) / N };
        }
        if (Date.now() - t0 > PHASE_TIMEOUT_MS) throw new Error(`concurrency ${concurrency}: not all READY after ${PHASE_TIMEOUT_MS} ms`);
        await sleep(100);
      }
    } finally {
      await stop();
    }
  };
  console.log(`\n[3] throughput through the real worker (startMediaWorker + BullMQ, ${N} loops enqueued at once per run, effects cycling ${effects.join('/')}):`);
  const c1 = await throughput(1);
  console.log(`  WORKER_CONCURRENCY=1 (x264 threads auto): ${c1.lpm.toFixed(1)} loops/min  (${N} loops in ${c1.seconds.toFixed(1)} s; at most ${c1.maxInFlight} PROCESSING at once; ${c1.attempts} attempts; ${cpuS(c1.cpuPerLoop)} per loop)`);
  console.log(`    ${c1.cpu}`);
  const c2 = await throughput(2);
  console.log(`  WORKER_CONCURRENCY=2 (x264 -threads 1):   ${c2.lpm.toFixed(1)} loops/min  (${N} loops in ${c2.seconds.toFixed(1)} s; at most ${c2.maxInFlight} PROCESSING at once; ${c2.attempts} attempts; ${cpuS(c2.cpuPerLoop)} per loop)`);
  console.log(`    ${c2.cpu}`);
  console.log(`  ratio c2/c1 ${(c2.lpm / c1.lpm).toFixed(3)}`);
} catch (err) {
  exitCode = 1;
  console.error(err);
} finally {
  console.log(`\nload average at end: ${load()}`);
  await cleanup();
  console.log(`total bench time ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
process.exit(exitCode);
