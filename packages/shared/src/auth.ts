// Access tokens: short-lived JWTs signed with an asymmetric key that has a `kid`. Issuer,
// audience and key set are configuration, so an OIDC provider can issue them instead of the
// users subgraph. Every process verifies the token itself; none trusts a bare identity header.
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors as joseErrors,
  exportJWK,
  generateKeyPair,
  importPKCS8,
  jwtVerify,
  SignJWT,
  type CryptoKey,
  type JSONWebKeySet,
  type JWK,
} from 'jose';
import { GraphQLError } from 'graphql';
import { createHash, createPublicKey } from 'node:crypto';
import { serviceUnavailable } from './errors.ts';
import type { Revocations } from './revocation.ts';

export const ACCESS_TOKEN_ALG = 'ES256';
/** Algorithms we accept; `none` and HMAC are never accepted, whatever the token header says. */
const ACCEPTED_ALGS = ['ES256', 'ES384', 'RS256', 'PS256', 'EdDSA'];

export interface Viewer {
  id: string;
  /** The refresh-token family (session) the access token belongs to, when the issuer says. */
  sessionId?: string;
  /** 'STAFF' may moderate (WOW picks, reports); from the token's `role` claim, USER when absent. */
  role: Role;
  /** When the access token expires (ms since the epoch): a live connection ends then unless refreshed. */
  expiresAt?: number;
}

export type Role = 'USER' | 'STAFF';

export interface TokenVerifier {
  verify(token: string): Promise<Viewer>;
  /** Signature checks made and tokens remembered, for metrics and tests. */
  stats?(): { signatureChecks: number; cached: number };
}

export interface VerifierOptions {
  issuer: string;
  audience: string;
  /** A JWKS URL (fetched and cached, refetched on unknown `kid`) or a key set in hand. */
  jwks: string | JSONWebKeySet;
  /**
   * Central revocations (revocation.ts): a token of a logged-out session or a deleted account
   * is refused with reason 'revoked'. Every process passes one; without it nothing is revoked.
   */
  revocations?: Pick<Revocations, 'isRevoked'>;
}

function unauthenticated(message: string, reason: string) {
  return new GraphQLError(message, {
    extensions: { code: 'UNAUTHENTICATED', reason, http: { status: 401 } },
  });
}

/** Fetch failures (TypeError "fetch failed"), timeouts, and non-200 or non-JSON key set responses. */
function keySetUnreachable(err: unknown): boolean {
  if (err instanceof joseErrors.JWKSTimeout) return true;
  if (err instanceof joseErrors.JOSEError) return err.code === 'ERR_JOSE_GENERIC' && /JSON Web Key Set HTTP response/.test(err.message);
  return true;
}

/** Verified tokens remembered per process (the signature check is the costly part of a request). */
export const VERIFIED_TOKEN_CACHE_SIZE = 10_000;

interface Verified {
  viewer: Viewer;
  issuedAt: number;
}

export function createTokenVerifier(opts: VerifierOptions): TokenVerifier {
  const keys =
    typeof opts.jwks === 'string'
      ? createRemoteJWKSet(new URL(opts.jwks), { cooldownDuration: 5_000, cacheMaxAge: 10 * 60_000 })
      : createLocalJWKSet(opts.jwks);
  // By the token's SHA-256, until the token expires: a client sends the same token with every
  // request. Only the signature and claims check is skipped; expiry and revocation are checked
  // on every use, as for a token seen the first time. Least recently used entries go first.
  const verified = new Map<string, Verified>();
  const revoked = async (v: Verified) =>
    opts.revocations?.isRevoked({ userId: v.viewer.id, sessionId: v.viewer.sessionId, issuedAt: v.issuedAt });

  let signatureChecks = 0;
  const verifySignature = async (token: string): Promise<Verified> => {
    signatureChecks++;
    try {
      const { payload } = await jwtVerify(token, keys, {
        issuer: opts.issuer,
        audience: opts.audience,
        algorithms: ACCEPTED_ALGS,
        requiredClaims: ['sub', 'exp', 'iat'],
      });
      const viewer: Viewer = {
        id: payload.sub!,
        sessionId: typeof payload.sid === 'string' ? payload.sid : undefined,
        role: payload.role === 'STAFF' ? 'STAFF' : 'USER',
        expiresAt: payload.exp! * 1000,
      };
      return { viewer, issuedAt: payload.iat! };
    } catch (err) {
      // The key set could not be fetched (users down, timeout, not a JWKS): not the token's fault.
      if (typeof opts.jwks === 'string' && keySetUnreachable(err)) throw serviceUnavailable('The key set');
      if (err instanceof joseErrors.JWTExpired) throw unauthenticated('Access token expired.', 'expired');
      if (err instanceof joseErrors.JOSEError) throw unauthenticated('Access token is not valid.', err.code);
      throw err;
    }
  };

  return {
    async verify(token) {
      const digest = createHash('sha256').update(token).digest('base64url');
      let entry = verified.get(digest);
      if (entry && entry.viewer.expiresAt! <= Date.now()) {
        verified.delete(digest);
        throw unauthenticated('Access token expired.', 'expired');
      }
      if (entry) {
        verified.delete(digest); // re-inserted below: most recently used last
      } else {
        entry = await verifySignature(token);
      }
      if (await revoked(entry)) throw unauthenticated('Access token has been revoked; log in again.', 'revoked');
      verified.set(digest, entry);
      if (verified.size > VERIFIED_TOKEN_CACHE_SIZE) verified.delete(verified.keys().next().value!);
      return entry.viewer;
    },
    stats: () => ({ signatureChecks, cached: verified.size }),
  };
}

/** Reads `Authorization: Bearer <token>`; undefined when absent, an error when malformed. */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  if (header === undefined || header === '') return undefined;
  const value = Array.isArray(header) ? header[0]! : header;
  const match = /^Bearer\s+(\S+)$/i.exec(value);
  if (!match) throw unauthenticated('Authorization header must be "Bearer <token>".', 'malformed');
  return match[1];
}

/**
 * The caller of a request. A bad, expired or revoked token (or a key set that cannot be
 * fetched) does not fail the request here: it leaves `viewer` null and puts the reason in
 * `authError`, which `requireViewer` throws. So operations that need no viewer (logIn with a
 * stale bearer header, `effects`, a public loop) still work, and those that need one say why.
 */
export interface Authentication {
  viewer: Viewer | null;
  token?: string;
  authError?: GraphQLError;
}

export async function authenticate(
  header: string | string[] | undefined,
  verifier: TokenVerifier,
): Promise<Authentication> {
  let token: string | undefined;
  try {
    token = bearerToken(header);
    return { viewer: token ? await verifier.verify(token) : null, token };
  } catch (err) {
    if (err instanceof GraphQLError) return { viewer: null, token, authError: err };
    throw err;
  }
}

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

/** Loads the signing key from PKCS#8 PEM, or makes an ephemeral one (development and tests). */
export async function loadSigningKey(pem: string | undefined, kid: string | undefined): Promise<SigningKey> {
  if (pem) {
    const privateKey = await importPKCS8(pem.replace(/\\n/g, '\n'), ACCESS_TOKEN_ALG, { extractable: true });
    const publicJwk = createPublicKey(pem.replace(/\\n/g, '\n')).export({ format: 'jwk' }) as JWK;
    return { kid: kid ?? 'fffoto-1', privateKey, publicJwk };
  }
  const { privateKey, publicKey } = await generateKeyPair(ACCESS_TOKEN_ALG, { extractable: true });
  return { kid: kid ?? `ephemeral-${Date.now().toString(36)}`, privateKey, publicJwk: await exportJWK(publicKey) };
}

export function publicJwks(keys: SigningKey[]): JSONWebKeySet {
  return { keys: keys.map((k) => ({ ...k.publicJwk, kid: k.kid, alg: ACCESS_TOKEN_ALG, use: 'sig' })) };
}

export async function signAccessToken(
  key: SigningKey,
  claims: { sub: string; sid: string; role?: Role; issuer: string; audience: string; ttlSeconds: number },
): Promise<{ token: string; expiresAt: Date }> {
  const now = Math.floor(Date.now() / 1000);
  const exp = now + claims.ttlSeconds;
  const token = await new SignJWT({ sid: claims.sid, ...(claims.role && claims.role !== 'USER' ? { role: claims.role } : {}) })
    .setProtectedHeader({ alg: ACCESS_TOKEN_ALG, kid: key.kid, typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuer(claims.issuer)
    .setAudience(claims.audience)
    .setIssuedAt(now)
    .setExpirationTime(exp)
    .sign(key.privateKey);
  return { token, expiresAt: new Date(exp * 1000) };
}
