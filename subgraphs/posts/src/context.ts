import DataLoader from 'dataloader';
import type { Post, Tag } from '@fffoto/shared/db';
import type { RequestContext } from '@fffoto/shared/server';
import type { Keyset } from './cursor.ts';
import type { PostQueries, PostRow } from './queries.ts';
import type { PostsService } from './service.ts';
import type { Trending } from '@fffoto/shared/trending';

/** What Post resolvers receive: the database row. */
export type PostParent = Post;
/** A tag by name; postCount when the query that found it had it. */
export type TagParent = { name: string; postCount?: number };
/** A user by reference: posts only knows the id. */
export type UserParent = { id: string };

interface PageKey {
  owner: string;
  limit: number;
  after: Keyset | null;
}

export interface Context extends RequestContext {
  posts: PostsService;
  queries: PostQueries;
  tagTrending: Trending;
  postById: DataLoader<string, Post | null>;
  tagsOfPost: DataLoader<string, Tag[]>;
  tagByName: DataLoader<string, Tag | null>;
  postCount: DataLoader<string, number>;
  wowPicked: DataLoader<string, boolean>;
  /** A page of an author's posts: every User.posts of the request in one statement per (first, after). */
  postsOfUser: DataLoader<PageKey, PostRow[], string>;
  postsOfTag: DataLoader<PageKey, PostRow[], string>;
}

/** Pages asked with the same (limit, after) go to the database together. */
function pageLoader(load: (owners: string[], limit: number, after: Keyset | null) => Promise<Map<string, PostRow[]>>) {
  return new DataLoader<PageKey, PostRow[], string>(
    async (keys) => {
      const groups = new Map<string, PageKey[]>();
      for (const k of keys) {
        const g = `${k.limit}|${k.after?.at.toISOString() ?? ''}|${k.after?.id ?? ''}`;
        groups.set(g, [...(groups.get(g) ?? []), k]);
      }
      const results = new Map<PageKey, PostRow[]>();
      await Promise.all(
        [...groups.values()].map(async (group) => {
          const rows = await load([...new Set(group.map((k) => k.owner))], group[0]!.limit, group[0]!.after);
          for (const k of group) results.set(k, rows.get(k.owner) ?? []);
        }),
      );
      return keys.map((k) => results.get(k)!);
    },
    { cacheKeyFn: (k) => JSON.stringify([k.owner, k.limit, k.after]) },
  );
}

export function createContext(base: RequestContext, deps: { posts: PostsService; queries: PostQueries; tagTrending: Trending }): Context {
  const { queries } = deps;
  const viewerId = base.viewer?.id ?? null;
  return {
    ...base,
    ...deps,
    postById: new DataLoader((ids) => queries.byIds(ids)),
    tagsOfPost: new DataLoader((ids) => queries.tagsOf(ids)),
    tagByName: new DataLoader((names) => queries.tagsByName(names)),
    postCount: new DataLoader((ids) => queries.postCounts(ids)),
    wowPicked: new DataLoader((ids) => queries.wowPicked(ids)),
    postsOfUser: pageLoader((owners, limit, after) => queries.byAuthors(owners, limit, after, viewerId)),
    postsOfTag: pageLoader((owners, limit, after) => queries.byTags(owners, limit, after, viewerId)),
  };
}
