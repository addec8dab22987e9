// Sign-up → log-in → me → refresh rotation → reuse detection → log-out, through the gateway
// over real HTTP against real Postgres.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode, graphqlClient, ok } from '../../../tests/support/client.ts';
import { startStack, type Stack } from '../../../tests/support/stack.ts';
import {
  LogInDocument, LogOutDocument, MeDocument, RefreshSessionDocument, SignUpDocument,
} from '../../../tests/generated/graphql.ts';

let stack: Stack;
let gql: ReturnType<typeof graphqlClient>;
const unique = Date.now().toString(36);
const handle = `flow_${unique}`;
const email = `Flow.${unique}@Example.COM`;
const password = 'correct horse battery';

beforeAll(async () => {
  stack = await startStack();
  gql = graphqlClient(stack.gatewayUrl);
});
afterAll(() => stack?.stop());

describe('session lifecycle through the gateway', () => {
  it('signs up, logs in by handle and by email, and reads me with the token', async () => {
    const signedUp = ok(await gql(SignUpDocument, { input: { handle, email, password, displayName: 'Flo' } })).signUp;
    expect(signedUp.user.handle).toBe(handle);
    expect(new Date(signedUp.expiresAt).getTime()).toBeGreaterThan(Date.now());

    const byHandle = ok(await gql(LogInDocument, { input: { login: handle.toUpperCase(), password } })).logIn;
    const byEmail = ok(await gql(LogInDocument, { input: { login: ` ${email.toLowerCase()} `, password } })).logIn;
    expect(byHandle.user.id).toBe(signedUp.user.id);
    expect(byEmail.user.id).toBe(signedUp.user.id);

    const me = ok(await gql(MeDocument, {}, byEmail.accessToken)).me;
    expect(me).toMatchObject({ id: signedUp.user.id, handle, displayName: 'Flo' });
    // Without a token, me is simply null.
    expect(ok(await gql(MeDocument, {})).me).toBeNull();
  });

  it('rotates refresh tokens, and reuse of a rotated token revokes the whole family', async () => {
    const first = ok(await gql(LogInDocument, { input: { login: handle, password } })).logIn;
    const second = ok(await gql(RefreshSessionDocument, { token: first.refreshToken })).refreshSession;
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(second.user.id).toBe(first.user.id);
    expect(ok(await gql(MeDocument, {}, second.accessToken)).me?.id).toBe(first.user.id);

    const third = ok(await gql(RefreshSessionDocument, { token: second.refreshToken })).refreshSession;

    // The spent token comes back: theft assumed, the family dies, including the newest token.
    const reuse = await gql(RefreshSessionDocument, { token: first.refreshToken });
    expect(errorCode(reuse)).toBe('UNAUTHENTICATED');
    expect(errorCode(await gql(RefreshSessionDocument, { token: third.refreshToken }))).toBe('UNAUTHENTICATED');

    // Another session (another log-in) is untouched.
    const other = ok(await gql(LogInDocument, { input: { login: handle, password } })).logIn;
    expect(ok(await gql(RefreshSessionDocument, { token: other.refreshToken })).refreshSession.user.id).toBe(first.user.id);
  });

  it('never lets a family outlive reuse detection, however refreshes race', async () => {
    for (let trial = 0; trial < 8; trial++) {
      const session = ok(await gql(LogInDocument, { input: { login: handle, password } })).logIn;
      // The same refresh token presented three times at once: one wins, the others are reuse.
      const results = await Promise.all([1, 2, 3].map(() => gql(RefreshSessionDocument, { token: session.refreshToken })));
      const winners = results.filter((r) => r.data?.refreshSession);
      expect(winners.length).toBeLessThanOrEqual(1);
      for (const w of winners) {
        // Reuse was detected, so even the winner's fresh token belongs to a dead family.
        expect(errorCode(await gql(RefreshSessionDocument, { token: w.data!.refreshSession.refreshToken }))).toBe('UNAUTHENTICATED');
      }
    }
  });

  it('logs out: the session can no longer refresh; logging out twice is fine', async () => {
    const session = ok(await gql(LogInDocument, { input: { login: handle, password } })).logIn;
    expect(ok(await gql(LogOutDocument, { token: session.refreshToken })).logOut).toBe(true);
    expect(errorCode(await gql(RefreshSessionDocument, { token: session.refreshToken }))).toBe('UNAUTHENTICATED');
    expect(ok(await gql(LogOutDocument, { token: session.refreshToken })).logOut).toBe(true);
  });

  it('refuses unknown and garbage refresh tokens', async () => {
    expect(errorCode(await gql(RefreshSessionDocument, { token: 'not-a-token' }))).toBe('UNAUTHENTICATED');
    expect(errorCode(await gql(RefreshSessionDocument, { token: '' }))).toBe('UNAUTHENTICATED');
  });
});
