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

const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');
const invalidRefresh = () => unauthenticated('Refresh token is not valid; log in again.');

export class Sessions {
  constructor(
    private readonly db: Db,
    private readonly settings: SessionSettings,
  ) {}

  /** Starts a new session family for the user. */
  start(user: User): Promise<IssuedSession> {
    return this.issue(user, randomUUID());
  }

  async refresh(refreshToken: string): Promise<IssuedSession> {
    const tokenHash = sha256(refreshToken);
    const now = new Date();
    // Claim the token atomically: of two concurrent refreshes with one token, only one wins.
    const claimed = await this.db.refreshToken.updateMany({
      where: { tokenHash, rotatedAt: null, revokedAt: null, expiresAt: { gt: now } },
      data: { rotatedAt: now },
    });
    const row = await this.db.refreshToken.findUnique({ where: { tokenHash }, include: { user: true } });
    if (!row) throw invalidRefresh();
    if (claimed.count === 0) {
      if (row.rotatedAt) await this.revokeFamily(row.familyId); // reuse of a spent token
      throw invalidRefresh();
    }
    if (row.user.deletedAt) throw invalidRefresh();
    return this.issue(row.user, row.familyId);
  }

  /** Ends the session the token belongs to; unknown tokens are ignored (log-out is idempotent). */
  async end(refreshToken: string): Promise<void> {
    const row = await this.db.refreshToken.findUnique({ where: { tokenHash: sha256(refreshToken) } });
    if (row) await this.revokeFamily(row.familyId);
  }

  async endAllFor(userId: string): Promise<void> {
    await this.db.refreshToken.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: new Date() } });
  }

  private async revokeFamily(familyId: string): Promise<void> {
    await this.db.refreshToken.updateMany({ where: { familyId, revokedAt: null }, data: { revokedAt: new Date() } });
  }

  private async issue(user: User, familyId: string): Promise<IssuedSession> {
    const refreshToken = randomBytes(32).toString('base64url');
    await this.db.refreshToken.create({
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
