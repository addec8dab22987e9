// Page arguments: `first` (default 20, 1–50) and opaque keyset cursors base64url("<iso>|<id>").
import { badInput } from '@fffoto/shared/errors';
import { isUuid } from '@fffoto/shared/ids';

export const PAGE_DEFAULT = 20;
export const PAGE_MAX = 50;

export function pageSize(first: number | null | undefined): number {
  const n = first ?? PAGE_DEFAULT;
  if (!Number.isInteger(n) || n < 1 || n > PAGE_MAX) throw badInput(`first must be between 1 and ${PAGE_MAX}.`, 'first');
  return n;
}

export interface Keyset {
  at: Date;
  id: string;
}

export const encodeCursor = (k: Keyset) => Buffer.from(`${k.at.toISOString()}|${k.id}`).toString('base64url');

export function decodeCursor(after: string | null | undefined): Keyset | null {
  if (after == null) return null;
  const [iso, id, extra] = Buffer.from(after, 'base64url').toString('utf8').split('|');
  const at = new Date(iso ?? '');
  if (extra !== undefined || !id || !isUuid(id) || Number.isNaN(at.getTime()) || at.toISOString() !== iso) {
    throw badInput('after is not a cursor of this list.', 'after');
  }
  return { at, id };
}

export interface Connection<T> {
  edges: Array<{ cursor: string; node: T }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** `rows` holds up to first + 1 items (the extra one only says there is a next page). */
export function connection<T>(rows: T[], first: number, key: (row: T) => Keyset): Connection<T> {
  const page = rows.slice(0, first);
  const edges = page.map((node) => ({ cursor: encodeCursor(key(node)), node }));
  return { edges, pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null } };
}
