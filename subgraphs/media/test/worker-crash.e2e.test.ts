// A worker process killed in the middle of an encode: after a new worker starts, BullMQ
// recovers the stalled job and the loop ends READY exactly once, with one set of outputs.
// The first worker's ffmpeg never finishes, so the kill always lands mid-encode, however fast
// the machine; every wait is for an event, bounded below the test's own timeout.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '@fffoto/shared/db';
import { graphqlClient } from '../../../tests/support/client.ts';
import { signUpUser, uploadAndCreate } from '../../../tests/support/media.ts';
import { skipWithout } from '../../../tests/support/needs.ts';
import { startStack, type Stack } from '../../../tests/support/stack.ts';
import { makeJpegFrames } from './support/frames.ts';
import { heldFfmpeg, type HeldFfmpeg } from './support/held-ffmpeg.ts';
import { recordLoopEvents, type LoopEvents } from './support/loop-events.ts';

let stack: Stack;
let db: Db;
let events: LoopEvents;
let held: HeldFfmpeg;
const workers: ChildProcess[] = [];

/** The media worker as its own OS process, exactly as `npm start` / compose run it. */
function startWorkerProcess(env: NodeJS.ProcessEnv = {}): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'subgraphs/media/src/worker/main.ts'], {
    env: { ...stack.env, WORKER_HEALTH_PORT: '0', WORKER_LOCK_MS: '5000', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  workers.push(child);
  return child;
}

describe.skipIf(skipWithout('redis', 'BullMQ stalled-job recovery'))('a worker killed mid-job', () => {
  beforeAll(async () => {
    held = heldFfmpeg();
    stack = await startStack({ media: true, worker: false });
    db = createDb(stack.env.DATABASE_URL!);
    events = await recordLoopEvents(stack.env.REDIS_URL!, stack.env.REDIS_PREFIX!);
  });
  afterAll(async () => {
    for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill('SIGKILL');
    held?.cleanup(); // the killed worker's ffmpeg outlives it
    events?.close();
    await db?.$disconnect();
    await stack?.stop();
  });

  it('is recovered by the next worker: READY once, one set of outputs', async () => {
    const gql = graphqlClient(stack.gatewayUrl);
    const user = await signUpUser(gql, `crash_${Date.now().toString(36)}`);
    const { loop } = await uploadAndCreate(gql, user.token, await makeJpegFrames(4, 640, 480), { effect: 'DAZE' });

    const first = startWorkerProcess({ FFMPEG_PATH: held.path });
    await events.waitFor(loop.id, 'PROCESSING', 30_000);
    const exited = new Promise((r) => first.once('exit', r));
    first.kill('SIGKILL');
    await exited;
    const afterKill = await db.loop.findUniqueOrThrow({ where: { id: loop.id } });
    expect(afterKill.status).toBe('PROCESSING');

    startWorkerProcess();
    const statuses = await events.waitFor(loop.id, 'READY', 60_000);
    // One killed run, one finished run: PROCESSING twice, READY once, nothing after it.
    expect(statuses).toEqual(['PENDING', 'PROCESSING', 'PROCESSING', 'READY']);

    const row = await db.loop.findUniqueOrThrow({ where: { id: loop.id } });
    expect(row).toMatchObject({ status: 'READY', attempts: 2, frameCount: 6 });
    const outputs = (await stack.storage().list(`loops/${loop.id}/`)).map((o) => o.key.split('/').pop()).sort();
    expect(outputs).toEqual(['loop.gif', 'loop.mp4', 'loop.webp', 'poster.jpg']);
  }, 120_000);
});
