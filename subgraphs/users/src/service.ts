// Account logic: sign-up, log-in, profile, search. Takes the database and sessions as
// arguments so tests run it against a real Postgres of their own.
import { Prisma, type Db, type User } from '@fffoto/shared/db';
import { badInput, conflict, unauthenticated } from '@fffoto/shared/errors';
import { eventTypes } from '@fffoto/shared/events';
import type { LoginLimiter } from './login-limiter.ts';
import { recordEvent, type OutboxRelay } from '@fffoto/shared/outbox';
import { usersOutbox } from './outbox.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import type { IssuedSession, Sessions } from './sessions.ts';
import { isUuid } from '@fffoto/shared/ids';
import { checkPassword, likeEscape, normaliseEmail, normaliseHandle, optionalText } from './validation.ts';

export const SEARCH_MAX = 50;
const wrongCredentials = () => unauthenticated('Wrong login or password.');

export class UsersService {
  constructor(
    private readonly db: Db,
    readonly sessions: Sessions,
    /** Throttles failed log-ins per login (login-limiter.ts). */
    private readonly loginLimiter: LoginLimiter,
    /** Publishes account events (@fffoto/shared/outbox). */
    private readonly relay: Pick<OutboxRelay, 'kick'>,
  ) {}

  async signUp(input: { handle: string; email: string; password: string; displayName?: string | null }) {
    const handle = normaliseHandle(input.handle);
    const email = normaliseEmail(input.email);
    const password = checkPassword(input.password);
    const displayName = optionalText(input.displayName, 'displayName', 60);
    try {
      const user = await this.db.user.create({
        data: { handle, email, displayName, passwordHash: await hashPassword(password) },
      });
      return this.sessions.start(user);
    } catch (err) {
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') {
        const field = JSON.stringify(err.meta ?? {}).includes('email') ? 'email' : 'handle';
        throw conflict(field === 'email' ? 'That email is already registered.' : 'That handle is taken.', field);
      }
      throw err;
    }
  }

  async logIn(input: { login: string; password: string }): Promise<IssuedSession> {
    const login = input.login.trim().toLowerCase();
    // Before anything else (above all, before argon2): a throttled login costs no hash and no
    // query, and is refused the same way whether it exists or not.
    await this.loginLimiter.attempt(login);
    const user = await this.db.user.findFirst({
      where: { deletedAt: null, ...(login.includes('@') ? { email: login } : { handle: login }) },
    });
    const ok = await verifyPassword(user?.passwordHash, input.password.slice(0, 1024));
    if (!user || !ok) throw wrongCredentials();
    await this.loginLimiter.succeeded(login);
    return this.sessions.start(user);
  }

  /** The live account behind an access token; a deleted account's tokens stop working. */
  async requireLive(userId: string): Promise<User> {
    const user = isUuid(userId) ? await this.db.user.findUnique({ where: { id: userId } }) : null;
    if (!user || user.deletedAt) throw unauthenticated('This account no longer exists.');
    return user;
  }

  async updateProfile(userId: string, input: { displayName?: string | null; bio?: string | null }) {
    await this.requireLive(userId);
    return this.db.user.update({
      where: { id: userId },
      data: {
        displayName: optionalText(input.displayName, 'displayName', 60),
        bio: optionalText(input.bio, 'bio', 300, true),
      },
    });
  }

  async deleteAccount(userId: string, password: string): Promise<boolean> {
    const user = await this.requireLive(userId);
    if (!(await verifyPassword(user.passwordHash, password))) throw wrongCredentials();
    // One transaction: the account is gone, its sessions ended, and the event that makes the
    // other subgraphs delete its data recorded — all or nothing (@fffoto/shared/outbox).
    await this.db.$transaction(async (tx) => {
      await tx.user.update({ where: { id: userId }, data: { deletedAt: new Date() } });
      await this.sessions.endAllFor(userId, tx);
      await recordEvent(tx, usersOutbox, eventTypes.userDeleted, { userId });
    });
    await this.sessions.revokeAllAccess(userId);
    this.relay.kick();
    return true;
  }

  byHandle(handle: string) {
    return this.db.user.findFirst({ where: { handle: handle.trim().toLowerCase(), deletedAt: null } });
  }

  /** One statement for any number of ids (the DataLoader batch function). */
  async byIds(ids: readonly string[]): Promise<Array<User | null>> {
    const valid = ids.filter(isUuid);
    const rows = valid.length
      ? await this.db.user.findMany({ where: { id: { in: valid }, deletedAt: null } })
      : [];
    const byId = new Map(rows.map((u) => [u.id, u]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  /** Handle or display name, prefix or substring; exact handle first, then prefixes, then the rest. */
  async search(query: string, first: number): Promise<User[]> {
    if (!Number.isInteger(first) || first < 1 || first > SEARCH_MAX) {
      throw badInput(`first must be between 1 and ${SEARCH_MAX}.`, 'first');
    }
    const q = query.trim().toLowerCase().replace(/^@/, '');
    if (q === '') return [];
    if (q.length > 60) throw badInput('Search query is too long.', 'query');
    const contains = `%${likeEscape(q)}%`;
    const prefix = `${likeEscape(q)}%`;
    const ids = await this.db.$queryRaw<Array<{ id: string }>>`
      SELECT id FROM users
      WHERE deleted_at IS NULL AND (handle LIKE ${contains} OR lower(display_name) LIKE ${contains})
      ORDER BY CASE
          WHEN handle = ${q} THEN 0
          WHEN handle LIKE ${prefix} THEN 1
          WHEN lower(display_name) LIKE ${prefix} THEN 2
          ELSE 3 END,
        length(handle), handle
      LIMIT ${first}`;
    const users = await this.byIds(ids.map((r) => r.id));
    return users.filter((u): u is User => u !== null);
  }
}
