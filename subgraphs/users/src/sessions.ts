// Sessions: a short-lived access JWT plus an opaque refresh token. Refresh tokens are stored
// as SHA-256 hashes, single-use (rotated on every refresh) and grouped in a family per log-in;
// presenting a token that was already rotated means it leaked, so the whole family is revoked.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { signAccessToken, type SigningKey } from '@fffoto/shared/auth';
import type { Db, User } from '@fffoto/shared/db';
import { unauthenticated } from '@fffoto/shared/errors';

export interface SessionSettings {
  key: SigningKey;
  issuer: string;
  audience: string;
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
}

export interface IssuedSession {
  accessToken: string;
  refreshToken: string;
  expiresAt: Date;
  user: User;
}

/** The client or an interactive transaction: both have the model delegates used here. */
type Tx = Pick<Db, 'refreshToken'>;

const revokeFamily = (db: Tx, familyId: string) =>
  db.refreshToken.updateMany({ where: { familyId, revokedAt: null }, data: { revokedAt: new Date() } });

const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');
const invalidRefresh = () => unauthenticated('Refresh token is not valid; log in again.');

export class Sessions {
  constructor(
    private readonly db: Db,
    private readonly settings: SessionSettings,
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
        await revokeFamily(tx, row.familyId); // a spent token came back: assume it was stolen
        return 'invalid' as const;
      }
      await tx.refreshToken.update({ where: { id: row.id }, data: { rotatedAt: new Date() } });
      return this.issue(tx, row.user, row.familyId);
    });
    if (outcome === 'invalid') throw invalidRefresh();
    return outcome;
  }

  /** Ends the session the token belongs to; unknown tokens are ignored (log-out is idempotent). */
  async end(refreshToken: string): Promise<void> {
    const row = await this.db.refreshToken.findUnique({ where: { tokenHash: sha256(refreshToken) } });
    if (row) await this.inFamilyLock(row.familyId, (tx) => revokeFamily(tx, row.familyId));
  }

  async endAllFor(userId: string): Promise<void> {
    await this.db.refreshToken.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: new Date() } });
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
      issuer: this.settings.issuer,
      audience: this.settings.audience,
      ttlSeconds: this.settings.accessTtlSeconds,
    });
    return { accessToken: token, refreshToken, expiresAt, user };
  }
}
