// Helpers for the posts tests: real READY loops (upload → worker), posts through the gateway,
// a user made staff, and an observer of the event bus (its own consumer group, as social's is).
import { openEventBus, type DomainEvent, type EventBus } from '@fffoto/shared/events';
import { graphqlClient, ok, type GqlResponse } from '../../../tests/support/client.ts';
import { signUpUser, uploadAndCreate, waitForLoop } from '../../../tests/support/media.ts';
import type { Stack } from '../../../tests/support/stack.ts';
import { makeJpegFrames } from '../../media/test/support/frames.ts';

/** A client of the gateway whose answers are loosely typed: these tests write their queries inline. */
export type Gql = ((query: string, variables?: Record<string, unknown>, token?: string) => Promise<GqlResponse<any>>) &
  ReturnType<typeof graphqlClient>;
export const gatewayClient = (url: string): Gql => graphqlClient(url) as Gql;
export interface TestUser { id: string; token: string; handle: string }

let seq = 0;
export async function newUser(gql: Gql, name: string): Promise<TestUser> {
  const handle = `${name}_${Date.now().toString(36)}${seq++}`.slice(0, 30);
  return { ...(await signUpUser(gql, handle)), handle };
}

/** Loops encoded by the stack's worker (tiny frames: the point here is the status, not the pixels). */
export async function readyLoops(gql: Gql, user: TestUser, n: number): Promise<string[]> {
  const frames = await makeJpegFrames(3, 64, 64);
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push((await uploadAndCreate(gql, user.token, frames, { fps: 5 })).loop.id);
  for (const id of ids) {
    const loop = await waitForLoop(gql, id, undefined, 50_000);
    if (loop.status !== 'READY') throw new Error(`loop ${id} ended ${loop.status}: ${loop.error}`);
  }
  return ids;
}

/** A loop that ends FAILED: its "frames" are not images. */
export async function brokenLoop(gql: Gql, user: TestUser): Promise<string> {
  const junk = Array.from({ length: 3 }, (_, i) => Buffer.from(`not a jpeg ${i}`));
  const { loop } = await uploadAndCreate(gql, user.token, junk, { fps: 5 });
  const done = await waitForLoop(gql, loop.id, undefined, 50_000);
  if (done.status !== 'FAILED') throw new Error(`loop ${loop.id} ended ${done.status}, expected FAILED`);
  return loop.id;
}

/** A loop left PENDING: created, never encoded when no worker runs (or not yet). */
export async function pendingLoop(gql: Gql, user: TestUser): Promise<string> {
  return (await uploadAndCreate(gql, user.token, await makeJpegFrames(3, 64, 64), { fps: 5 })).loop.id;
}

export const POST_FIELDS = 'id caption createdAt wowPicked author { id handle } loop { id status } tags { name postCount }';

export async function createPost(gql: Gql, user: TestUser, loopId: string, caption?: string) {
  return gql(`mutation($input: CreatePostInput!) { createPost(input: $input) { ${POST_FIELDS} } }`, { input: { loopId, caption } }, user.token);
}

export async function mustCreatePost(gql: Gql, user: TestUser, loopId: string, caption?: string) {
  return ok(await createPost(gql, user, loopId, caption)).createPost as { id: string; tags: Array<{ name: string; postCount: number }>; [k: string]: unknown };
}

/** Role STAFF as `npm run user:role` sets it (in the users table), then a fresh log-in carries it. */
export async function makeStaff(stack: Stack, gql: Gql, user: TestUser): Promise<TestUser> {
  await stack.usersDb.user.update({ where: { id: user.id }, data: { role: 'STAFF' } });
  const res = ok(await gql('mutation($input: LogInInput!) { logIn(input: $input) { accessToken } }', {
    input: { login: user.handle, password: 'long enough password' },
  })) as { logIn: { accessToken: string } };
  return { ...user, token: res.logIn.accessToken };
}

export interface EventLog {
  bus: EventBus;
  events: DomainEvent[];
  /** The first event matching, waiting (bounded) for it. */
  waitFor(match: (e: DomainEvent) => boolean, timeoutMs?: number): Promise<DomainEvent>;
  close(): Promise<void>;
}

export async function observeEvents(stack: Stack): Promise<EventLog> {
  const bus = openEventBus({ url: stack.env.REDIS_URL, prefix: stack.env.REDIS_PREFIX! });
  const events: DomainEvent[] = [];
  const consumer = bus.consume({ group: `test-observer-${Math.random().toString(36).slice(2, 8)}`, handler: async (e) => void events.push(e), blockMs: 200 });
  return {
    bus,
    events,
    async waitFor(match, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const hit = events.find(match);
        if (hit) return hit;
        if (Date.now() > deadline) throw new Error(`no matching event within ${timeoutMs} ms; saw ${events.map((e) => e.type).join(', ')}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async close() {
      await consumer.stop();
      await bus.close();
    },
  };
}

/** Polls `check` until it returns true (bounded), for effects of events. */
export async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
