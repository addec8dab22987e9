// The verified-token cache (shared/src/auth.ts): one signature check per token, while expiry and
// revocation are still checked on every use. Real keys, real JWTs, the in-process revocations.
import { describe, expect, it } from 'vitest';
import { createTokenVerifier, loadSigningKey, publicJwks, signAccessToken } from '../packages/shared/src/auth.ts';
import { openRevocations } from '../packages/shared/src/revocation.ts';

const issuer = 'fffoto-users';
const audience = 'fffoto';

async function setup() {
  const key = await loadSigningKey(undefined, undefined);
  const revocations = openRevocations({ url: undefined, prefix: `token-cache-${Math.random()}:`, cacheMs: 0 });
  const verifier = createTokenVerifier({ issuer, audience, jwks: publicJwks([key]), revocations });
  const sign = (sub: string, sid: string, ttlSeconds = 60) => signAccessToken(key, { sub, sid, issuer, audience, ttlSeconds });
  return { verifier, revocations, sign };
}

describe('verified-token cache', () => {
  it('checks a token\'s signature once, however often it is used', async () => {
    const { verifier, sign } = await setup();
    const { token } = await sign('00000000-0000-4000-8000-000000000001', 's1');
    for (let i = 0; i < 5; i++) expect((await verifier.verify(token)).id).toBe('00000000-0000-4000-8000-000000000001');
    expect(verifier.stats!()).toEqual({ signatureChecks: 1, cached: 1 });
  });

  it('still refuses a remembered token once its session is revoked', async () => {
    const { verifier, revocations, sign } = await setup();
    const { token } = await sign('00000000-0000-4000-8000-000000000002', 's2');
    await verifier.verify(token);
    await revocations.revokeSession('s2', 60);
    await expect(verifier.verify(token)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED', reason: 'revoked' } });
  });

  it('still refuses a remembered token once it has expired', async () => {
    const { verifier, sign } = await setup();
    const { token } = await sign('00000000-0000-4000-8000-000000000003', 's3', 1);
    await verifier.verify(token);
    await new Promise((r) => setTimeout(r, 1_100));
    await expect(verifier.verify(token)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED', reason: 'expired' } });
  });

  it('does not remember a token that failed, and tells tokens apart (no shared entry)', async () => {
    const { verifier, sign } = await setup();
    const a = await sign('00000000-0000-4000-8000-00000000000a', 'sa');
    const b = await sign('00000000-0000-4000-8000-00000000000b', 'sb');
    await expect(verifier.verify(`${a.token}x`)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    expect((await verifier.verify(a.token)).id).toMatch(/a$/);
    expect((await verifier.verify(b.token)).id).toMatch(/b$/);
    expect(verifier.stats!()).toEqual({ signatureChecks: 3, cached: 2 });
  });
});
