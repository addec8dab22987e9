// Sign-up → log-in → me → refresh rotation → reuse detection → log-out, through the gateway
// over real HTTP against real Postgres; the grace window for retried refreshes; token lifetimes;
// stale bearer headers on the operations that need none.
import { createHash } from 'node:crypto';
import { decodeJwt, exportPKCS8, generateKeyPair, SignJWT } from 'jose';
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
const ACCESS_TTL = 321;
let signingKey: CryptoKey;

beforeAll(async () => {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  signingKey = privateKey;
  stack = await startStack({
    env: { ACCESS_TOKEN_TTL_SECONDS: String(ACCESS_TTL), JWT_PRIVATE_KEY: await exportPKCS8(privateKey), JWT_KEY_ID: 'sessions-test' },
  });
  gql = graphqlClient(stack.gatewayUrl);
});

const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');
/** Moves a refresh token's rotation back past the grace window (instead of waiting). */
const ageRotation = (token: string) =>
  stack.usersDb.refreshToken.update({ where: { tokenHash: tokenHash(token) }, data: { rotatedAt: new Date(Date.now() - 60_000) } });
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

  it('answers concurrent refreshes with one token (a retry) with the same new pair, and keeps the family', async () => {
    for (let trial = 0; trial < 5; trial++) {
      const session = ok(await gql(LogInDocument, { input: { login: handle, password } })).logIn;
      const results = await Promise.all([1, 2, 3].map(() => gql(RefreshSessionDocument, { token: session.refreshToken })));
      const pairs = results.map((r) => ok(r).refreshSession);
      expect(pairs).toHaveLength(3);
      for (const p of pairs) {
        expect(p.refreshToken).toBe(pairs[0]!.refreshToken);
        expect(p.accessToken).toBe(pairs[0]!.accessToken);
        expect(p.expiresAt).toBe(pairs[0]!.expiresAt);
      }
      expect(pairs[0]!.refreshToken).not.toBe(session.refreshToken);
      // The family lives on: the new token refreshes, and the new access token works.
      expect(ok(await gql(MeDocument, {}, pairs[0]!.accessToken)).me?.id).toBe(session.user.id);
      ok(await gql(RefreshSessionDocument, { token: pairs[0]!.refreshToken }));
    }
  });

  it('a reuse after the grace window revokes the family, the newest token too', async () => {
    const session = ok(await gql(LogInDocument, { input: { login: handle, password } })).logIn;
    const next = ok(await gql(RefreshSessionDocument, { token: session.refreshToken })).refreshSession;
    // Within the window the same answer comes back ...
    expect(ok(await gql(RefreshSessionDocument, { token: session.refreshToken })).refreshSession.refreshToken).toBe(next.refreshToken);
    // ... after it, the spent token is theft.
    await ageRotation(session.refreshToken);
    expect(errorCode(await gql(RefreshSessionDocument, { token: session.refreshToken }))).toBe('UNAUTHENTICATED');
    expect(errorCode(await gql(RefreshSessionDocument, { token: next.refreshToken }))).toBe('UNAUTHENTICATED');
  });

  it('stores no refresh token in clear (only hashes and sealed successors)', async () => {
    const session = ok(await gql(LogInDocument, { input: { login: handle, password } })).logIn;
    const next = ok(await gql(RefreshSessionDocument, { token: session.refreshToken })).refreshSession;
    const rows = await stack.usersDb.refreshToken.findMany({ where: { familyId: decodeJwt(next.accessToken).sid as string } });
    const dump = JSON.stringify(rows);
    expect(dump).not.toContain(session.refreshToken);
    expect(dump).not.toContain(next.refreshToken);
    expect(dump).not.toContain(next.accessToken);
  });

  it('issues access tokens that live exactly ACCESS_TOKEN_TTL_SECONDS', async () => {
    const session = ok(await gql(LogInDocument, { input: { login: handle, password } })).logIn;
    const claims = decodeJwt(session.accessToken);
    expect(claims.exp! - claims.iat!).toBe(ACCESS_TTL);
    expect(new Date(session.expiresAt).getTime()).toBe(claims.exp! * 1000);
  });

  it('refuses a refresh token past its expiry', async () => {
    const session = ok(await gql(LogInDocument, { input: { login: handle, password } })).logIn;
    await stack.usersDb.refreshToken.update({ where: { tokenHash: tokenHash(session.refreshToken) }, data: { expiresAt: new Date(Date.now() - 1_000) } });
    expect(errorCode(await gql(RefreshSessionDocument, { token: session.refreshToken }))).toBe('UNAUTHENTICATED');
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

describe('a stale bearer header does not get in the way of getting a new token', () => {
  const expiredToken = async (sub: string) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ sid: '00000000-0000-0000-0000-000000000000' })
      .setProtectedHeader({ alg: 'ES256', kid: 'sessions-test' })
      .setSubject(sub).setIssuer('fffoto-users').setAudience('fffoto')
      .setIssuedAt(now - 600).setExpirationTime(now - 60)
      .sign(signingKey);
  };
  const revokedToken = async () => {
    const s = ok(await gql(LogInDocument, { input: { login: handle, password } })).logIn;
    ok(await gql(LogOutDocument, { token: s.refreshToken }));
    // It is refused now (the point of the header being stale).
    const refused = await gql(MeDocument, {}, s.accessToken);
    expect(refused.errors?.[0]?.extensions?.reason).toBe('revoked');
    return s.accessToken;
  };

  it.each([
    ['expired', async (sub: string) => expiredToken(sub)],
    ['revoked', async () => revokedToken()],
  ])('logIn, signUp and refreshSession work with an %s bearer header', async (kind, make) => {
    const me = ok(await gql(LogInDocument, { input: { login: handle, password } })).logIn;
    const stale = await make(me.user.id);
    // Control: the stale token is refused where a viewer is needed.
    expect(errorCode(await gql(MeDocument, {}, stale))).toBe('UNAUTHENTICATED');

    expect(ok(await gql(LogInDocument, { input: { login: handle, password } }, stale)).logIn.user.id).toBe(me.user.id);
    const h = `stale_${kind}_${unique}`.slice(0, 30);
    expect(ok(await gql(SignUpDocument, { input: { handle: h, email: `${h}@example.com`, password } }, stale)).signUp.user.handle).toBe(h);
    expect(ok(await gql(RefreshSessionDocument, { token: me.refreshToken }, stale)).refreshSession.user.id).toBe(me.user.id);
  });
});
