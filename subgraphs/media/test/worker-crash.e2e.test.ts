// A worker process killed in the middle of an encode: after a new worker starts, BullMQ
// recovers the stalled job and the loop ends READY exactly once, with one set of outputs.
import { spawn, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '@fffoto/shared/db';
import { graphqlClient } from '../../../tests/support/client.ts';
import { signUpUser, uploadAndCreate, waitForLoop } from '../../../tests/support/media.ts';
import { startStack, type Stack } from '../../../tests/support/stack.ts';
import { makeJpegFrames } from './support/frames.ts';

let stack: Stack;
let db: Db;
let events: Redis;
const published: Array<{ id: string; status: string }> = [];
const workers: ChildProcess[] = [];

/** The media worker as its own OS process, exactly as `npm start` / compose run it. */
function startWorkerProcess(): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'subgraphs/media/src/worker/main.ts'], {
    env: { ...stack.env, WORKER_HEALTH_PORT: '0', WORKER_LOCK_MS: '5000', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  workers.push(child);
  return child;
}

beforeAll(async () => {
  stack = await startStack({ media: true, worker: false });
  db = createDb(process.env.DATABASE_URL!);
  events = new Redis(process.env.REDIS_URL!);
  await events.psubscribe(`${stack.env.REDIS_PREFIX}loop-updated:*`);
  events.on('pmessage', (_p, _c, message) => {
    const { loopUpdated } = JSON.parse(message) as { loopUpdated: { id: string; status: string } };
    published.push(loopUpdated);
  });
});
afterAll(async () => {
  for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
  events?.disconnect();
  await db?.$disconnect();
  await stack?.stop();
});

async function waitForStatus(id: string, status: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const loop = await db.loop.findUnique({ where: { id } });
    if (loop?.status === status) return loop;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`loop ${id} never reached ${status}`);
}

describe('a worker killed mid-job', () => {
  it('is recovered by the next worker: READY once, one set of outputs', async () => {
    const gql = graphqlClient(stack.gatewayUrl);
    const user = await signUpUser(gql, `crash_${Date.now().toString(36)}`);
    // A long burst so the encode is surely still running when the kill lands.
    const frames = await makeJpegFrames(12, 1440, 1080);
    const { loop } = await uploadAndCreate(gql, user.token, frames, { effect: 'DAZE' });

    const first = startWorkerProcess();
    await waitForStatus(loop.id, 'PROCESSING');
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    const afterKill = await db.loop.findUniqueOrThrow({ where: { id: loop.id } });
    expect(afterKill.status).toBe('PROCESSING');

    startWorkerProcess();
    const done = await waitForLoop(gql, loop.id, (s) => s === 'READY' || s === 'FAILED', 120_000);
    expect(done.status).toBe('READY');
    expect(done.frameCount).toBe(22);

    const row = await db.loop.findUniqueOrThrow({ where: { id: loop.id } });
    expect(row.attempts).toBe(2); // one killed run, one finished run
    const storage = stack.storage();
    const outputs = (await storage.list(`loops/${loop.id}/`)).map((o) => o.key.split('/').pop()).sort();
    expect(outputs).toEqual(['loop.gif', 'loop.mp4', 'loop.webp', 'poster.jpg']);
    await new Promise((r) => setTimeout(r, 300)); // let the last event arrive
    const statuses = published.filter((e) => e.id === loop.id).map((e) => e.status);
    expect(statuses.filter((s) => s === 'READY')).toHaveLength(1);
    expect(statuses[0]).toBe('PENDING');
    expect(statuses.at(-1)).toBe('READY');
  });
});
