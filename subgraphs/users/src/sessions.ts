// Sessions: a short-lived access JWT plus an opaque refresh token. Refresh tokens are stored
// as SHA-256 hashes, single-use (rotated on every refresh) and grouped in a family per log-in;
// presenting a token that was already rotated means it leaked, so the whole family is revoked —
// except within a short grace window (a client retrying, or two tabs refreshing at once), where
// the same new pair is answered again. Ending a family also revokes its access tokens centrally
// (revocation.ts), so they stop working everywhere within seconds, not at their expiry.
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes, randomUUID } from 'node:crypto';
import { signAccessToken, type SigningKey } from '@fffoto/shared/auth';
import type { Db, User } from '@fffoto/shared/db';
import { unauthenticated } from '@fffoto/shared/errors';
import type { Logger } from '@fffoto/shared/logger';
import type { Revocations } from '@fffoto/shared/revocation';

export interface SessionSettings {
  key: SigningKey;
  issuer: string;
  audience: string;
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
  /** A rotated token presented again within this many seconds gets the same new pair. */
  reuseGraceSeconds: number;
}

export interface IssuedSession {
  accessToken: string;
  refreshToken: string;
  expiresAt: Date;
  user: User;
}

/** The client or an interactive transaction: both have the model delegates used here. */
type Tx = Pick<Db, 'refreshToken'>;

const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');
const invalidRefresh = () => unauthenticated('Refresh token is not valid; log in again.');

// The successor pair is sealed with a key derived from the presented (parent) token, which the
// database holds only as a SHA-256 hash: reading the table does not reveal live tokens.
const sealKey = (parentToken: string) =>
  Buffer.from(hkdfSync('sha256', parentToken, 'fffoto-refresh-successor', 'v1', 32));
type Sealed = { refreshToken: string; accessToken: string; expiresAt: string };

function seal(parentToken: string, pair: Sealed): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealKey(parentToken), iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(pair), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
}

function unseal(parentToken: string, sealed: string): Sealed | undefined {
  try {
    const raw = Buffer.from(sealed, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', sealKey(parentToken), raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return JSON.parse(Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8')) as Sealed;
  } catch {
    return undefined;
  }
}

export class Sessions {
  constructor(
    private readonly db: Db,
    private readonly settings: SessionSettings,
    private readonly revocations: Pick<Revocations, 'revokeSession' | 'revokeUser'>,
    private readonly log?: Logger,
  ) {}

  /** Starts a new session family for the user. */
  start(user: User): Promise<IssuedSession> {
    return this.issue(this.db, user, randomUUID());
  }

  async refresh(refreshToken: string): Promise<IssuedSession> {
    const tokenHash = sha256(refreshToken);
    const found = await this.db.refreshToken.findUnique({ where: { tokenHash }, select: { familyId: true } });
    if (!found) throw invalidRefresh();
    // Everything that changes a family runs under that family's lock, so a refresh cannot slip
    // a new token in beside a concurrent revocation (reuse detection or log-out).
    const outcome = await this.inFamilyLock(found.familyId, async (tx) => {
      const row = await tx.refreshToken.findUniqueOrThrow({ where: { tokenHash }, include: { user: true } });
      if (row.revokedAt || row.expiresAt <= new Date() || row.user.deletedAt) return 'invalid' as const;
      if (row.rotatedAt) {
        const again = await this.retryAnswer(tx, refreshToken, row);
        if (again) return { ...again, user: row.user };
        await this.revokeFamily(tx, row.familyId); // a spent token came back: assume it was stolen
        return 'revoked' as const;
      }
      const issued = await this.issue(tx, row.user, row.familyId);
      const successor = seal(refreshToken, {
        refreshToken: issued.refreshToken,
        accessToken: issued.accessToken,
        expiresAt: issued.expiresAt.toISOString(),
      });
      await tx.refreshToken.update({ where: { id: row.id }, data: { rotatedAt: new Date(), successor } });
      // Sealed answers past their window are of no more use: drop them.
      const stale = new Date(Date.now() - this.settings.reuseGraceSeconds * 1000);
      await tx.refreshToken.updateMany({
        where: { familyId: row.familyId, successor: { not: null }, rotatedAt: { lt: stale } },
        data: { successor: null },
      });
      return issued;
    });
    if (outcome === 'revoked') await this.revokeAccess(() => this.revocations.revokeSession(found.familyId, this.settings.accessTtlSeconds));
    if (outcome === 'invalid' || outcome === 'revoked') throw invalidRefresh();
    return outcome;
  }

  /** Ends the session the token belongs to; unknown tokens are ignored (log-out is idempotent). */
  async end(refreshToken: string): Promise<void> {
    const row = await this.db.refreshToken.findUnique({ where: { tokenHash: sha256(refreshToken) } });
    if (!row) return;
    await this.inFamilyLock(row.familyId, (tx) => this.revokeFamily(tx, row.familyId));
    await this.revokeAccess(() => this.revocations.revokeSession(row.familyId, this.settings.accessTtlSeconds));
  }

  /** Ends every session of the user, in `db` (the caller's transaction, e.g. account deletion). */
  async endAllFor(userId: string, db: Tx = this.db): Promise<void> {
    await db.refreshToken.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: new Date(), successor: null } });
  }

  /** Revokes every access token the user holds now (after the database change is committed). */
  revokeAllAccess(userId: string): Promise<void> {
    return this.revokeAccess(() => this.revocations.revokeUser(userId, this.settings.accessTtlSeconds));
  }

  /**
   * Within the grace window, the pair this token was rotated into, if that pair is still
   * unused and alive. Later, or once the client has moved on, there is no second answer.
   */
  private async retryAnswer(tx: Tx, presented: string, row: { rotatedAt: Date | null; successor: string | null }) {
    if (!row.rotatedAt || !row.successor) return undefined;
    if (Date.now() - row.rotatedAt.getTime() > this.settings.reuseGraceSeconds * 1000) return undefined;
    const pair = unseal(presented, row.successor);
    if (!pair) return undefined;
    const next = await tx.refreshToken.findUnique({ where: { tokenHash: sha256(pair.refreshToken) } });
    if (!next || next.revokedAt || next.rotatedAt) return undefined;
    return { refreshToken: pair.refreshToken, accessToken: pair.accessToken, expiresAt: new Date(pair.expiresAt) };
  }

  private async revokeFamily(db: Tx, familyId: string) {
    await db.refreshToken.updateMany({ where: { familyId, revokedAt: null }, data: { revokedAt: new Date() } });
    await db.refreshToken.updateMany({ where: { familyId, successor: { not: null } }, data: { successor: null } });
  }

  /** Central revocation is best effort: the family is already dead in the database. */
  private async revokeAccess(revoke: () => Promise<void>) {
    try {
      await revoke();
    } catch (err) {
      this.log?.error({ err }, 'could not revoke access tokens centrally');
    }
  }

  private inFamilyLock<T>(familyId: string, work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.db.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${familyId}))`;
      return work(tx);
    });
  }

  private async issue(db: Tx, user: User, familyId: string): Promise<IssuedSession> {
    const refreshToken = randomBytes(32).toString('base64url');
    await db.refreshToken.create({
      data: {
        userId: user.id,
        familyId,
        tokenHash: sha256(refreshToken),
        expiresAt: new Date(Date.now() + this.settings.refreshTtlSeconds * 1000),
      },
    });
    const { token, expiresAt } = await signAccessToken(this.settings.key, {
      sub: user.id,
      sid: familyId,
      role: user.role,
      issuer: this.settings.issuer,
      audience: this.settings.audience,
      ttlSeconds: this.settings.accessTtlSeconds,
    });
    return { accessToken: token, refreshToken, expiresAt, user };
  }
}
