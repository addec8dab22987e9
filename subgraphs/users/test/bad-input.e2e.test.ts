// Every way to get accounts and tokens wrong, each with its extensions.code, through the gateway.
import { createPublicKey } from 'node:crypto';
import { exportPKCS8, generateKeyPair, SignJWT, importPKCS8, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode, graphqlClient, ok } from '../../../tests/support/client.ts';
import { startStack, type Stack } from '../../../tests/support/stack.ts';
import {
  DeleteAccountDocument, LogInDocument, MeDocument, SignUpDocument, UpdateProfileDocument,
} from '../../../tests/generated/graphql.ts';

const ISSUER = 'fffoto-users';
const AUDIENCE = 'fffoto';
const KID = 'test-key-1';
let stack: Stack;
let gql: ReturnType<typeof graphqlClient>;
let signingPem: string;
const u = Date.now().toString(36);
const password = 'long enough password';
let userId: string;

beforeAll(async () => {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  signingPem = await exportPKCS8(privateKey);
  stack = await startStack({ env: { JWT_PRIVATE_KEY: signingPem, JWT_KEY_ID: KID, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE } });
  gql = graphqlClient(stack.gatewayUrl);
  userId = ok(await gql(SignUpDocument, { input: { handle: `taken_${u}`, email: `taken_${u}@example.com`, password } })).signUp.user.id;
});
afterAll(() => stack?.stop());

const signUp = (input: { handle: string; email: string; password: string }) => gql(SignUpDocument, { input });

describe('sign-up input', () => {
  it.each([
    ['duplicate handle, other case', { handle: `TAKEN_${u}`, email: `new1_${u}@example.com`, password }, 'CONFLICT', 'handle'],
    ['duplicate email, other case', { handle: `new2_${u}`, email: `  TAKEN_${u}@EXAMPLE.com `, password }, 'CONFLICT', 'email'],
    ['space in handle', { handle: 'has space', email: `a_${u}@example.com`, password }, 'BAD_USER_INPUT', 'handle'],
    ['dash in handle', { handle: 'has-dash', email: `b_${u}@example.com`, password }, 'BAD_USER_INPUT', 'handle'],
    ['non-ascii handle', { handle: 'ålice', email: `c_${u}@example.com`, password }, 'BAD_USER_INPUT', 'handle'],
    ['too short handle', { handle: 'ab', email: `d_${u}@example.com`, password }, 'BAD_USER_INPUT', 'handle'],
    ['too long handle', { handle: 'a'.repeat(31), email: `e_${u}@example.com`, password }, 'BAD_USER_INPUT', 'handle'],
    ['dots at the edge', { handle: '.alice', email: `f_${u}@example.com`, password }, 'BAD_USER_INPUT', 'handle'],
    ['reserved handle', { handle: 'Admin', email: `g_${u}@example.com`, password }, 'BAD_USER_INPUT', 'handle'],
    ['reserved handle wow', { handle: 'wow', email: `h_${u}@example.com`, password }, 'BAD_USER_INPUT', 'handle'],
    ['bad email', { handle: `bad_email_${u}`.slice(0, 30), email: 'not-an-email', password }, 'BAD_USER_INPUT', 'email'],
    ['short password', { handle: `shortpw_${u}`, email: `i_${u}@example.com`, password: 'short' }, 'BAD_USER_INPUT', 'password'],
    ['oversized password', { handle: `longpw_${u}`, email: `j_${u}@example.com`, password: 'x'.repeat(10_000) }, 'BAD_USER_INPUT', 'password'],
  ])('%s → %s', async (_name, input, code, field) => {
    const res = await signUp(input);
    expect(errorCode(res)).toBe(code);
    expect(res.errors?.[0]?.extensions?.field).toBe(field);
    expect(res.data).toBeNull();
  });

  it('a refused sign-up creates nothing', async () => {
    await signUp({ handle: `ghost_${u}`, email: 'nope', password });
    const login = await gql(LogInDocument, { input: { login: `ghost_${u}`, password } });
    expect(errorCode(login)).toBe('UNAUTHENTICATED');
  });

  it('rejects a malformed request (missing required input field) with GraphQL validation', async () => {
    const res = await gql('mutation { signUp(input: { handle: "x" }) { accessToken } }');
    expect(errorCode(res)).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});

describe('log-in', () => {
  it('wrong password and unknown login give the same error', async () => {
    const wrong = await gql(LogInDocument, { input: { login: `taken_${u}`, password: 'wrong password!' } });
    const unknown = await gql(LogInDocument, { input: { login: `nobody_${u}`, password } });
    const unknownEmail = await gql(LogInDocument, { input: { login: `nobody_${u}@example.com`, password } });
    expect(errorCode(wrong)).toBe('UNAUTHENTICATED');
    expect(wrong.errors?.[0]?.message).toBe(unknown.errors?.[0]?.message);
    expect(unknownEmail.errors?.[0]?.message).toBe(unknown.errors?.[0]?.message);
  });
});

/** The HMAC secret an alg-confusion attacker would use: the public key, in a published form. */
async function hs256WithPublicKey(form: 'pem' | 'jwk'): Promise<string> {
  const publicKey = createPublicKey(signingPem);
  const secret = form === 'pem'
    ? (publicKey.export({ type: 'spki', format: 'pem' }) as string)
    : JSON.stringify({ ...publicKey.export({ format: 'jwk' }), kid: KID, alg: 'ES256', use: 'sig' });
  const bytes = new TextEncoder().encode(secret);
  const token = await new SignJWT({ sub: userId, iss: ISSUER, aud: AUDIENCE })
    .setProtectedHeader({ alg: 'HS256', kid: KID }).setIssuedAt().setExpirationTime('5m')
    .sign(bytes);
  // The attack is real: the token verifies as HS256 under the public key's bytes.
  expect((await jwtVerify(token, bytes, { algorithms: ['HS256'] })).payload.sub).toBe(userId);
  return token;
}

describe('access tokens', () => {
  const sign = (claims: Record<string, unknown>, opts: { key?: CryptoKey; kid?: string; exp?: number } = {}) =>
    (async () => {
      const key = opts.key ?? (await importPKCS8(signingPem, 'ES256'));
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ ...claims })
        .setProtectedHeader({ alg: 'ES256', kid: opts.kid ?? KID })
        .setIssuedAt(now - 60)
        .setExpirationTime(opts.exp ?? now + 300)
        .sign(key);
    })();

  it('accepts a well-formed token signed with the real key (control case)', async () => {
    const token = await sign({ sub: userId, iss: ISSUER, aud: AUDIENCE });
    expect(ok(await gql(MeDocument, {}, token)).me?.id).toBe(userId);
  });

  it('refuses a mutation that needs a user when no token is sent', async () => {
    expect(errorCode(await gql(UpdateProfileDocument, { input: { bio: 'hi' } }))).toBe('UNAUTHENTICATED');
  });

  it.each([
    ['expired', async () => sign({ sub: userId, iss: ISSUER, aud: AUDIENCE }, { exp: Math.floor(Date.now() / 1000) - 10 })],
    ['wrong issuer', async () => sign({ sub: userId, iss: 'someone-else', aud: AUDIENCE })],
    ['wrong audience', async () => sign({ sub: userId, iss: ISSUER, aud: 'other-app' })],
    ['signed with another key (same kid)', async () => {
      const { privateKey } = await generateKeyPair('ES256');
      return sign({ sub: userId, iss: ISSUER, aud: AUDIENCE }, { key: privateKey });
    }],
    ['forged payload (signature of another token)', async () => {
      const real = await sign({ sub: userId, iss: ISSUER, aud: AUDIENCE });
      const [h, , s] = real.split('.');
      const payload = Buffer.from(JSON.stringify({ sub: '00000000-0000-0000-0000-000000000000', iss: ISSUER, aud: AUDIENCE, iat: 1, exp: 4102444800 })).toString('base64url');
      return `${h}.${payload}.${s}`;
    }],
    ['alg none', async () => {
      const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
      return `${enc({ alg: 'none', typ: 'JWT' })}.${enc({ sub: userId, iss: ISSUER, aud: AUDIENCE, iat: 1, exp: 4102444800 })}.`;
    }],
    // Alg confusion: an HS256 token keyed with the real public key's bytes, as PEM and as JWK
    // (a verifier that took the key it has as an HMAC secret would accept these).
    ['HS256 keyed with the public key PEM (alg confusion)', async () => hs256WithPublicKey('pem')],
    ['HS256 keyed with the public key JWK (alg confusion)', async () => hs256WithPublicKey('jwk')],
    ['garbage', async () => 'not.a.jwt'],
  ])('refuses a token that is %s with UNAUTHENTICATED (HTTP 401)', async (name, makeToken) => {
    const res = await gql(MeDocument, {}, await makeToken());
    expect(errorCode(res)).toBe('UNAUTHENTICATED');
    // Refused by the algorithm allow-list itself, not by some later accident.
    if (name.includes('alg confusion')) expect(res.errors?.[0]?.extensions?.reason).toBe('ERR_JOSE_ALG_NOT_ALLOWED');
    expect(res.status).toBe(401);
    expect(res.data?.me ?? null).toBeNull();
  });

  it('refuses a malformed Authorization header', async () => {
    const res = await gql(MeDocument, {}, undefined, { authorization: 'Token abc' });
    expect(errorCode(res)).toBe('UNAUTHENTICATED');
  });

  it('a deleted user’s token stops working, and so do its refresh tokens', async () => {
    const s = ok(await signUp({ handle: `gone_${u}`, email: `gone_${u}@example.com`, password })).signUp;
    expect(errorCode(await gql(DeleteAccountDocument, { password: 'wrong password!' }, s.accessToken))).toBe('UNAUTHENTICATED');
    expect(ok(await gql(DeleteAccountDocument, { password }, s.accessToken)).deleteAccount).toBe(true);
    expect(errorCode(await gql(MeDocument, {}, s.accessToken))).toBe('UNAUTHENTICATED');
    expect(errorCode(await gql(UpdateProfileDocument, { input: { bio: 'x' } }, s.accessToken))).toBe('UNAUTHENTICATED');
    expect(errorCode(await gql(LogInDocument, { input: { login: `gone_${u}`, password } }))).toBe('UNAUTHENTICATED');
  });
});

describe('profile', () => {
  it('updates, trims and clears fields; refuses oversized and control characters', async () => {
    const s = ok(await gql(LogInDocument, { input: { login: `taken_${u}`, password } })).logIn;
    const updated = ok(await gql(UpdateProfileDocument, { input: { displayName: '  Taken One ', bio: 'line one\nline two' } }, s.accessToken)).updateProfile;
    expect(updated).toMatchObject({ displayName: 'Taken One', bio: 'line one\nline two' });
    const tooLong = await gql(UpdateProfileDocument, { input: { bio: 'x'.repeat(301) } }, s.accessToken);
    expect(errorCode(tooLong)).toBe('BAD_USER_INPUT');
    expect(errorCode(await gql(UpdateProfileDocument, { input: { displayName: 'bell\u0007' } }, s.accessToken))).toBe('BAD_USER_INPUT');
    // The refused updates changed nothing.
    expect(ok(await gql(MeDocument, {}, s.accessToken)).me).toMatchObject({ displayName: 'Taken One', bio: 'line one\nline two' });
    const cleared = ok(await gql(UpdateProfileDocument, { input: { displayName: '' } }, s.accessToken)).updateProfile;
    expect(cleared.displayName).toBeNull();
    expect(cleared.bio).toBe('line one\nline two');
  });
});
