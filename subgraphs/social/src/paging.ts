// Relay connections over keyset pagination: `first` (default 20, 1–50) and an opaque cursor
// base64url("<iso time>|<uuid>") naming the last row seen. Rows are fetched first+1 at a time,
// so hasNextPage costs no extra query.
import { badInput } from '@fffoto/shared/errors';
import { isUuid } from '@fffoto/shared/ids';

export const PAGE_DEFAULT = 20;
export const PAGE_MAX = 50;

export interface Keyset {
  at: Date;
  id: string;
}

export function pageSize(first: number | null | undefined): number {
  const n = first ?? PAGE_DEFAULT;
  if (!Number.isInteger(n) || n < 1 || n > PAGE_MAX) throw badInput(`first must be between 1 and ${PAGE_MAX}.`, 'first');
  return n;
}

export const encodeCursor = (at: Date, id: string) => Buffer.from(`${at.toISOString()}|${id}`).toString('base64url');

export function decodeCursor(after: string | null | undefined): Keyset | null {
  if (after === null || after === undefined) return null;
  const [iso, id, extra] = Buffer.from(after, 'base64url').toString('utf8').split('|');
  const at = new Date(iso ?? '');
  if (extra !== undefined || !id || !isUuid(id) || Number.isNaN(at.getTime()) || at.toISOString() !== iso) {
    throw badInput('after is not a cursor this field gave out.', 'after');
  }
  return { at, id };
}

export interface Connection<T> {
  edges: Array<{ cursor: string; node: T }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** `rows` holds up to first+1 rows in order; `key` gives each row's keyset position. */
export function connection<R, T>(rows: R[], first: number, key: (row: R) => Keyset, node: (row: R) => T): Connection<T> {
  const page = rows.slice(0, first);
  const edges = page.map((row) => {
    const k = key(row);
    return { cursor: encodeCursor(k.at, k.id), node: node(row) };
  });
  return { edges, pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null } };
}

/** A UUID argument, or BAD_USER_INPUT naming it. */
export function uuidArg(value: string, field: string): string {
  if (!isUuid(value)) throw badInput(`${field} is not a valid id.`, field);
  return value.toLowerCase();
}
