// The subscribe side of social's live events (live.ts publishes): likeAdded and commentAdded
// are public streams of a post, activityAdded is the viewer's own News. Each event is read
// back from the database (it may be gone already) and says who must not see it: everyone on
// either side of a block with its author or with the post's author (the gateway drops it for
// them; one upstream subscription serves every subscriber of a post).
import type { Db } from '@fffoto/shared/db';
import { notFound } from '@fffoto/shared/errors';
import { isUuid } from '@fffoto/shared/ids';
import { channelEvents, LIVE_EXTENSIONS, mapStream } from '@fffoto/shared/live-stream';
import { channels, type PubSubEngine } from '@fffoto/shared/pubsub';
import { blockedEitherWay } from './blocks.ts';
import type { PostRefs } from './post-refs.ts';
import * as reads from './reads.ts';
import type { ActivityRow, CommentRow, LikeRow } from './rows.ts';

type Sql = Pick<Db, '$queryRaw'>;

/** Everyone on the other side of a block (either direction) with any of `userIds`. */
export async function blockedWithAny(db: Sql, userIds: string[]): Promise<string[]> {
  const rows = await db.$queryRaw<Array<{ id: string }>>`
    SELECT blocked_id::text AS id FROM blocks WHERE blocker_id = ANY(${userIds}::uuid[])
    UNION SELECT blocker_id::text AS id FROM blocks WHERE blocked_id = ANY(${userIds}::uuid[])`;
  return rows.map((r) => r.id);
}

export class LiveStreams {
  constructor(
    private readonly db: Db,
    private readonly pubsub: PubSubEngine,
    private readonly refs: PostRefs,
  ) {}

  /** The post, NOT_FOUND when it does not exist or a block stands between it and the viewer. */
  private async visiblePost(postId: string, viewerId: string | null) {
    if (!isUuid(postId)) throw notFound('Post');
    const post = await this.refs.require(postId);
    if (viewerId && viewerId !== post.authorId && (await blockedEitherWay(this.db, viewerId, post.authorId))) throw notFound('Post');
    return post;
  }

  async likes(postId: string, viewerId: string | null) {
    const post = await this.visiblePost(postId, viewerId);
    const events = await channelEvents<{ likeAdded: { id: string } }>(this.pubsub, channels.likeAdded(postId));
    return mapStream(events, async ({ likeAdded }) => {
      const like = (await reads.likesByIds(this.db, [likeAdded.id]))[0];
      if (!like) return undefined;
      return { likeAdded: like, [LIVE_EXTENSIONS]: { hiddenFrom: await blockedWithAny(this.db, [like.userId, post.authorId]) } } as {
        likeAdded: LikeRow;
      };
    });
  }

  async comments(postId: string, viewerId: string | null) {
    const post = await this.visiblePost(postId, viewerId);
    const events = await channelEvents<{ commentAdded: { id: string } }>(this.pubsub, channels.commentAdded(postId));
    return mapStream(events, async ({ commentAdded }) => {
      const comment = (await reads.commentsByIds(this.db, [commentAdded.id]))[0];
      if (!comment) return undefined;
      const hiddenFrom = await blockedWithAny(this.db, [comment.authorId, post.authorId]);
      return { commentAdded: comment, [LIVE_EXTENSIONS]: { hiddenFrom } } as { commentAdded: CommentRow };
    });
  }

  /** The viewer's own News as it happens (activities are never of the viewer's own actions). */
  async activity(viewerId: string) {
    const events = await channelEvents<{ activityAdded: { id: string } }>(this.pubsub, channels.activityAdded(viewerId));
    return mapStream(events, async ({ activityAdded }) => {
      const activity = (await reads.activitiesByIds(this.db, [activityAdded.id]))[0];
      // Deleted since, or no longer the viewer's to see (a block made after it).
      if (!activity || activity.recipientId !== viewerId) return undefined;
      if (await blockedEitherWay(this.db, viewerId, activity.actorId)) return undefined;
      return { activityAdded: { ...activity, unread: true } } as { activityAdded: ActivityRow };
    });
  }
}
