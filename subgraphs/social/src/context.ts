import DataLoader from 'dataloader';
import type { Db } from '@fffoto/shared/db';
import type { RequestContext } from '@fffoto/shared/server';
import { decodeCursor, pageSize, type Keyset } from './paging.ts';
import * as reads from './reads.ts';
import type { ActivityRow, CommentRow, FollowRow, LikeRow, ReportRow } from './rows.ts';
import type { SocialService } from './service.ts';

/** Entities other subgraphs own are references here: just their id. */
export type UserParent = { id: string };
export type PostParent = { id: string };
export type CommentParent = CommentRow;
export type LikeParent = LikeRow;
export type ActivityParent = ActivityRow;
export type ReportParent = ReportRow;

/** A per-parent page loader: one DataLoader (one statement) per distinct (first, after). */
type PageLoader<R> = (parentId: string, first: number | null | undefined, after: string | null | undefined) => Promise<R[]>;

export interface Loaders {
  likeCount: DataLoader<string, number>;
  commentCount: DataLoader<string, number>;
  followerCount: DataLoader<string, number>;
  followingCount: DataLoader<string, number>;
  viewerHasLiked: DataLoader<string, boolean>;
  viewerIsFollowing: DataLoader<string, boolean>;
  commentById: DataLoader<string, CommentRow | null>;
  comments: PageLoader<CommentRow>;
  likes: PageLoader<LikeRow>;
  followers: PageLoader<FollowRow>;
  following: PageLoader<FollowRow>;
}

export interface Context extends RequestContext {
  social: SocialService;
  loaders: Loaders;
}

function pageLoader<R>(load: (ids: readonly string[], p: reads.PageArgs) => Promise<R[][]>, viewerId: string | null): PageLoader<R> {
  const byArgs = new Map<string, DataLoader<string, R[]>>();
  return (parentId, first, after) => {
    const n = pageSize(first);
    const cursor: Keyset | null = decodeCursor(after);
    const key = `${n}|${after ?? ''}`;
    let loader = byArgs.get(key);
    if (!loader) byArgs.set(key, (loader = new DataLoader((ids) => load(ids, { first: n, after: cursor, viewerId }))));
    return loader.load(parentId);
  };
}

export function createLoaders(db: Db, viewerId: string | null): Loaders {
  const never = async (ids: readonly string[]) => ids.map(() => false);
  return {
    likeCount: new DataLoader((ids) => reads.likeCounts(db, ids)),
    commentCount: new DataLoader((ids) => reads.commentCounts(db, ids)),
    followerCount: new DataLoader((ids) => reads.followerCounts(db, ids)),
    followingCount: new DataLoader((ids) => reads.followingCounts(db, ids)),
    viewerHasLiked: new DataLoader((ids) => (viewerId ? reads.likedBy(db, viewerId, ids) : never(ids))),
    viewerIsFollowing: new DataLoader((ids) => (viewerId ? reads.followedBy(db, viewerId, ids) : never(ids))),
    commentById: new DataLoader((ids) => reads.commentsByIds(db, ids)),
    comments: pageLoader((ids, p) => reads.commentPages(db, ids, p), viewerId),
    likes: pageLoader((ids, p) => reads.likePages(db, ids, p), viewerId),
    followers: pageLoader((ids, p) => reads.followPages(db, 'followers', ids, p), viewerId),
    following: pageLoader((ids, p) => reads.followPages(db, 'following', ids, p), viewerId),
  };
}

export function createContext(base: RequestContext, social: SocialService): Context {
  // A bad token leaves viewer null here; fields that need a viewer throw its reason themselves.
  return { ...base, social, loaders: createLoaders(social.db, base.viewer?.id ?? null) };
}
