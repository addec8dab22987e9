// A hung Redis (SIGSTOP: connected, never answering) through the gateway. Revocation checks
// fail open within their own short budget (revocation.ts), so an authenticated request pays
// that per process it passes, not the 1.5 s command timeout: createLoop still answers
// SERVICE_UNAVAILABLE inside the 5 s bound (README), and `{ me { id } }` answers at all.
// Against a redis-server of this test's own, never the machine's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode, graphqlClient, type GqlResponse } from '../../tests/support/client.ts';
import { putAll, requestUpload, signUpUser } from '../../tests/support/media.ts';
import { startOwnRedis, type OwnRedis } from '../../tests/support/own-redis.ts';
import { skipWithout } from '../../tests/support/needs.ts';
import { startStack, type Stack } from '../../tests/support/stack.ts';
import { CreateLoopDocument, LogInDocument } from '../../tests/generated/graphql.ts';

const ANSWER_WITHIN_MS = 5_000;
const run = Date.now().toString(36);

/** Resolves with the answer, or 'no answer' once `ms` have passed. */
function within<T>(ms: number, promise: Promise<T>): Promise<T | 'no answer'> {
  return Promise.race([promise, new Promise<'no answer'>((r) => setTimeout(() => r('no answer'), ms).unref())]);
}

describe.skipIf(skipWithout('redis-server', 'the hung-Redis test'))('Redis hangs (SIGSTOP)', () => {
  let redis: OwnRedis;
  let stack: Stack;
  let gql: ReturnType<typeof graphqlClient>;

  beforeAll(async () => {
    redis = await startOwnRedis();
    // No worker: the job only needs to be queued (or not).
    stack = await startStack({ media: true, env: { REDIS_URL: redis.url } });
    gql = graphqlClient(stack.gatewayUrl);
  });
  afterAll(async () => {
    redis?.resume(); // let clients say goodbye to a live server
    await stack?.stop();
    await redis?.kill();
  });

  it('createLoop answers SERVICE_UNAVAILABLE within the bound; { me { id } } answers', async () => {
    const user = await signUpUser(gql, `hang_${run}`);
    const frames = [Buffer.alloc(64, 1), Buffer.alloc(64, 2), Buffer.alloc(64, 3)];
    const upload = await requestUpload(gql, user.token, 3, 'image/jpeg', 'FRAMES', frames.map((f) => f.length));
    await putAll(upload.parts, frames);
    // Fresh tokens (new sessions) whose revocation state no process has cached yet.
    const logIn = async () => {
      const res = await gql(LogInDocument, { input: { login: `hang_${run}`, password: 'long enough password' } });
      return res.data!.logIn.accessToken;
    };
    const [createToken, meToken] = [await logIn(), await logIn()];

    redis.pause();

    const created = await within(ANSWER_WITHIN_MS, gql(CreateLoopDocument, { input: { uploadId: upload.id } }, createToken));
    expect(created, 'createLoop answered before the deadline').not.toBe('no answer');
    const res = created as GqlResponse<unknown>;
    expect(errorCode(res), JSON.stringify(res)).toBe('SERVICE_UNAVAILABLE');
    expect(res.errors?.[0]?.extensions?.retryAfterSeconds).toBeGreaterThan(0);

    const me = await within(ANSWER_WITHIN_MS, gql<{ me: { id: string } }, never>('{ me { id } }', undefined, meToken));
    expect(me, '{ me { id } } answered before the deadline').not.toBe('no answer');
    expect((me as GqlResponse<{ me: { id: string } }>).data?.me?.id).toBe(user.id);
  }, 60_000);
});
