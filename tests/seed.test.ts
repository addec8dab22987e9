// `npm run seed` against a running stack: scripts/seed.ts as a child process, pointed at the
// stack's gateway, then the demo users and their READY loops checked through the API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphqlClient, ok } from './support/client.ts';
import { spawnEntry, type ServiceProcess } from './support/processes.ts';
import { skipWithout } from './support/needs.ts';
import { startStack, type Stack } from './support/stack.ts';
import { LogInDocument, LoopByIdDocument } from './generated/graphql.ts';

const DEMO = ['ada', 'bo.loops', 'cy_bounce'];

describe.skipIf(skipWithout('redis', 'the seed against a stack with its BullMQ worker'))('npm run seed', () => {
  let stack: Stack;
  let seed: ServiceProcess | undefined;
  beforeAll(async () => {
    stack = await startStack({ media: true, worker: true });
  });
  afterAll(async () => {
    await seed?.kill();
    await stack?.stop();
  });

  it('creates the demo users, each with READY loops, through the API', async () => {
    seed = spawnEntry('scripts/seed.ts', { ...process.env, GATEWAY_URL: stack.gatewayUrl });
    const exit = await seed.waitForExit(150_000);
    expect(exit, seed.stderr()).toEqual({ code: 0, signal: null });

    // "<handle> loop <id> <MODE>/<EFFECT>: <STATUS>" per loop.
    const lines = [...seed.stdout().matchAll(/^(\S+)\s+loop (\S+) (\w+)\/(\w+): (\w+)/gm)];
    expect(lines.map((m) => m[1])).toEqual(DEMO.flatMap((h) => [h, h, h]));
    const gql = graphqlClient(stack.gatewayUrl);
    for (const handle of DEMO) {
      const session = ok(await gql(LogInDocument, { input: { login: handle, password: 'fffoto-demo-password' } })).logIn;
      expect(session.user.handle).toBe(handle);
    }
    for (const [, handle, id, mode, effect] of lines) {
      const loop = ok(await gql(LoopByIdDocument, { id: id! })).loop;
      expect(loop, `loop ${id}`).toMatchObject({ status: 'READY', mode, effect, error: null, owner: { handle } });
      expect(loop!.webpUrl).toMatch(/^http/);
    }
  }, 180_000);
});
