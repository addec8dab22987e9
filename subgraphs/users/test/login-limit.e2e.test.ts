// Log-in throttling through the gateway: failed log-ins per login are limited before any
// password is hashed, the same for known and unknown logins; a success resets the count; the
// gateway's mutation cap stops many aliased log-ins in one request before anything runs.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode, graphqlClient, ok, type GqlResponse } from '../../../tests/support/client.ts';
import { startStack, type Stack } from '../../../tests/support/stack.ts';
import { serviceEnv, startUsersService, type UsersService } from '../../../tests/support/gateway-services.ts';
import { skipWithout } from '../../../tests/support/needs.ts';
import { LogInDocument, SignUpDocument } from '../../../tests/generated/graphql.ts';

const u = Date.now().toString(36);
const password = 'long enough password';
const wrong = 'not the password!';

type Gql = ReturnType<typeof graphqlClient>;
const logIn = (gql: Gql, login: string, pw: string) => gql(LogInDocument, { input: { login, password: pw } });
const signUp = async (gql: Gql, handle: string) =>
  ok(await gql(SignUpDocument, { input: { handle, email: `${handle}@example.com`, password } })).signUp;

/** `n` failed log-ins one after another; each must be an ordinary wrong-credentials error. */
async function fail(gql: Gql, login: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const res = await logIn(gql, login, wrong);
    expect(errorCode(res), `attempt ${i + 1}: ${JSON.stringify(res.errors)}`).toBe('UNAUTHENTICATED');
  }
}

function expectLimited(res: GqlResponse<unknown>, maxWait: number): number {
  expect(errorCode(res), JSON.stringify(res.errors)).toBe('RATE_LIMITED');
  expect(res.data ?? null).toBeNull();
  const retry = res.errors![0]!.extensions!.retryAfterSeconds as number;
  expect(Number.isInteger(retry)).toBe(true);
  expect(retry).toBeGreaterThanOrEqual(1);
  expect(retry).toBeLessThanOrEqual(maxWait);
  return retry;
}

describe('with LOGIN_MAX_FAILURES=10 (Redis-backed, as configured for the test run)', () => {
  let stack: Stack;
  let gql: Gql;

  beforeAll(async () => {
    stack = await startStack({ env: { LOGIN_MAX_FAILURES: '10', LOGIN_WINDOW_SECONDS: '60' } });
    gql = graphqlClient(stack.gatewayUrl);
  });
  afterAll(() => stack?.stop());

  it('the 11th failed log-in is RATE_LIMITED, also with the right password, and costs no query', async () => {
    const handle = `victim_${u}`;
    await signUp(gql, handle);
    await fail(gql, handle, 10);
    const limited = await logIn(gql, handle, wrong);
    expectLimited(limited, 60);
    // The right password is refused too: a limited attacker learns nothing about passwords.
    const before = stack.statements.length;
    expectLimited(await logIn(gql, handle, password), 60);
    // Refused before the lookup (and so before argon2): nothing reached the database.
    expect(stack.statements.length).toBe(before);
    // The normalised login is what is counted: other spellings of it are limited too.
    expectLimited(await logIn(gql, `  ${handle.toUpperCase()} `, password), 60);
  });

  it.skipIf(skipWithout('redis', 'log-in failures shared by users replicas'))('counts in Redis, under the REDIS_PREFIX, so all users replicas share the count', async () => {
    await fail(gql, `shared_${u}`, 1);
    const redis = new Redis(stack.env.REDIS_URL!, { maxRetriesPerRequest: 1 });
    try {
      const keys = await redis.keys(`${stack.env.REDIS_PREFIX}rl:login-failures*`);
      expect(keys.length).toBeGreaterThan(0);
      // Keys are hashes of the login, never the login itself.
      expect(keys.join()).not.toContain(`shared_${u}`);
    } finally {
      redis.disconnect();
    }
  });

  it('an unknown login gets exactly the same treatment (no account enumeration)', async () => {
    const known = `known_${u}`;
    await signUp(gql, known);
    await fail(gql, known, 10);
    const knownLimited = await logIn(gql, known, wrong);
    const unknown = `nobody_${u}`;
    await fail(gql, unknown, 10);
    const unknownLimited = await logIn(gql, unknown, wrong);
    expectLimited(unknownLimited, 60);
    expect(unknownLimited.errors![0]!.message).toBe(knownLimited.errors![0]!.message);
    expect(Object.keys(unknownLimited.errors![0]!.extensions!).sort()).toEqual(Object.keys(knownLimited.errors![0]!.extensions!).sort());
    expect(unknownLimited.status).toBe(knownLimited.status);
    // Unknown emails too.
    await fail(gql, `nobody_${u}@example.com`, 10);
    expectLimited(await logIn(gql, `nobody_${u}@example.com`, password), 60);
  });

  it('another login is not affected', async () => {
    const limited = `locked_${u}`;
    const other = `bystander_${u}`;
    await signUp(gql, limited);
    await signUp(gql, other);
    await fail(gql, limited, 10);
    expectLimited(await logIn(gql, limited, password), 60);
    expect(ok(await logIn(gql, other, password)).logIn.user.handle).toBe(other);
    // Its email is another login, counted on its own.
    expect(ok(await logIn(gql, `${other}@example.com`, password)).logIn.user.handle).toBe(other);
  });

  it('a successful log-in resets the count of failures', async () => {
    const handle = `forgetful_${u}`;
    await signUp(gql, handle);
    await fail(gql, handle, 9);
    expect(ok(await logIn(gql, handle, password)).logIn.user.handle).toBe(handle);
    await fail(gql, handle, 10); // ten more, not one
    expectLimited(await logIn(gql, handle, wrong), 60);
  });

  it('20 aliased logIn mutations in one request are refused by the gateway before anything runs', async () => {
    const handle = `aliased_${u}`;
    await signUp(gql, handle);
    const fields = Array.from({ length: 20 }, (_, i) =>
      `a${i}: logIn(input: { login: "${handle}", password: "guess number ${i}" }) { accessToken }`);
    const newHandle = `sneaky_${u}`;
    const before = stack.statements.length;
    const res = await gql(`mutation {\n${fields.join('\n')}\n}`);
    expect(errorCode(res), JSON.stringify(res.errors)).toBe('BAD_USER_INPUT');
    expect(res.errors![0]!.extensions!.limit).toBe('ROOT_MUTATIONS');
    expect(res.data ?? null).toBeNull();
    // With a sign-up among them: no account appears either.
    const mixed = await gql(`mutation {\n${fields.slice(0, 5).join('\n')}\n` +
      `s: signUp(input: { handle: "${newHandle}", email: "${newHandle}@example.com", password: "${password}" }) { accessToken }\n}`);
    expect(mixed.errors![0]!.extensions!.limit).toBe('ROOT_MUTATIONS');
    // Nothing reached the users subgraph's database...
    expect(stack.statements.length).toBe(before);
    expect(await stack.usersDb.user.findFirst({ where: { handle: newHandle } })).toBeNull();
    // ...nor its limiter: the login still has all ten failures to spend.
    await fail(gql, handle, 10);
    expectLimited(await logIn(gql, handle, password), 60);
  });
});

describe('with LOGIN_MAX_FAILURES=3, LOGIN_WINDOW_SECONDS=2 (memory-backed: no REDIS_URL)', () => {
  let stack: Stack;
  let gql: Gql;

  beforeAll(async () => {
    stack = await startStack({ env: { REDIS_URL: undefined, LOGIN_MAX_FAILURES: '3', LOGIN_WINDOW_SECONDS: '2' } });
    gql = graphqlClient(stack.gatewayUrl);
  });
  afterAll(() => stack?.stop());

  it('the right password works again once the window has passed', async () => {
    const handle = `patient_${u}`;
    await signUp(gql, handle);
    await fail(gql, handle, 3);
    expectLimited(await logIn(gql, handle, wrong), 2);
    const retry = expectLimited(await logIn(gql, handle, password), 2);
    await new Promise((r) => setTimeout(r, retry * 1000 + 300));
    expect(ok(await logIn(gql, handle, password)).logIn.user.handle).toBe(handle);
  });

  it('concurrent attempts cannot get more than the limit past the check', async () => {
    const handle = `rushed_${u}`;
    await signUp(gql, handle);
    const results = await Promise.all(Array.from({ length: 10 }, () => logIn(gql, handle, wrong)));
    const codes = results.map(errorCode);
    expect(codes.filter((c) => c === 'UNAUTHENTICATED')).toHaveLength(3);
    expect(codes.filter((c) => c === 'RATE_LIMITED')).toHaveLength(7);
  });
});

describe.skipIf(skipWithout('redis', 'two users replicas sharing the log-in count'))('two users replicas on one Redis', () => {
  let replicas: UsersService[] = [];

  beforeAll(async () => {
    const env = serviceEnv({ LOGIN_MAX_FAILURES: '4', LOGIN_WINDOW_SECONDS: '60' });
    replicas = [await startUsersService(env), await startUsersService(env)];
  });
  afterAll(async () => {
    for (const r of replicas) await r.stop();
  });

  it('share the count: failures on either replica add up', async () => {
    const [a, b] = replicas.map((r) => graphqlClient(r.url));
    const handle = `replicated_${u}`;
    await signUp(a!, handle);
    // Two failures on each: four in all, the limit, though neither replica saw four.
    await fail(a!, handle, 2);
    await fail(b!, handle, 2);
    expectLimited(await logIn(a!, handle, password), 60);
    expectLimited(await logIn(b!, handle, password), 60);
  });
});
