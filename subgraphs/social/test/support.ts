// Helpers for the social tests: a stack with social, people with tokens, and posts that social
// knows about (post_refs, social's own read model, written directly where a test needs many).
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { errorCode, graphqlClient, ok, type GqlResponse } from '../../../tests/support/client.ts';
import { startStack, type Stack, type StackOptions } from '../../../tests/support/stack.ts';
import { hashPassword } from '../../users/src/passwords.ts';
import { fanOut } from '../src/feed.ts';

export const PASSWORD = 'social test password';

export interface Person {
  id: string;
  handle: string;
  token: string;
}

export interface SocialStack extends Stack {
  socialDb: NonNullable<Stack['socialDb']>;
  gql: <R = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, token?: string) => Promise<GqlResponse<R>>;
}

export async function startSocialStack(options: StackOptions = {}): Promise<SocialStack> {
  const stack = await startStack({ social: true, ...options });
  const request = graphqlClient(stack.gatewayUrl);
  return {
    ...stack,
    socialDb: stack.socialDb!,
    gql: (query, variables, token) => request(query, variables, token) as never,
  };
}

let passwordHash: Promise<string> | undefined;
let seq = 0;

/** Typed so tests can destructure the first few without `!` (callers ask for as many as they use). */
type People = [Person, Person, Person, Person, Person, ...Person[]];

/** `n` accounts: rows written with one shared password hash, then each logs in through the gateway. */
export async function people(stack: SocialStack, n: number, tag = 'p'): Promise<People> {
  passwordHash ??= hashPassword(PASSWORD);
  const hash = await passwordHash;
  const run = `${Date.now().toString(36).slice(-5)}${(seq++).toString(36)}`;
  const out: Person[] = [];
  for (let i = 0; i < n; i++) {
    const handle = `${tag}${i}_${run}`;
    const row = await stack.usersDb.user.create({ data: { handle, email: `${handle}@example.com`, passwordHash: hash } });
    const res = await stack.gql<{ logIn: { accessToken: string } }>(
      `mutation ($input: LogInInput!) { logIn(input: $input) { accessToken } }`,
      { input: { login: handle, password: PASSWORD } },
    );
    out.push({ id: row.id, handle, token: ok(res).logIn.accessToken });
  }
  return out as People;
}

/** A post social knows of (as after its post.created event), fanned out to the author's followers. */
export async function knownPost(stack: SocialStack, authorId: string, createdAt = new Date()): Promise<string> {
  const postId = randomUUID();
  await stack.socialDb.postRef.create({ data: { postId, authorId, createdAt } });
  await fanOut(stack.socialDb, { postId, authorId, createdAt });
  return postId;
}

export function expectCode(res: GqlResponse<unknown>, code: string): void {
  expect(errorCode(res), JSON.stringify(res.errors)).toBe(code);
}

/** Polls `check` until it returns a truthy value or `ms` pass (below the test timeout). */
export async function eventually<T>(check: () => Promise<T>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
}

export { ok };

/** Makes `person` staff (as `npm run user:role` does) and logs in again for a token with the role. */
export async function makeStaff(stack: SocialStack, person: Person): Promise<Person> {
  await stack.usersDb.user.update({ where: { id: person.id }, data: { role: 'STAFF' } });
  const res = await stack.gql<{ logIn: { accessToken: string } }>(
    `mutation ($input: LogInInput!) { logIn(input: $input) { accessToken } }`,
    { input: { login: person.handle, password: PASSWORD } },
  );
  return { ...person, token: ok(res).logIn.accessToken };
}
