// Live events for the subscriptions of the live issue: published on Redis pub/sub after the row
// is written, payloads of ids only. A failed publish is logged, never fails the mutation.
import type { Logger } from '@fffoto/shared/logger';
import { channels, type PubSubEngine } from '@fffoto/shared/pubsub';

export class Live {
  constructor(
    readonly pubsub: PubSubEngine,
    private readonly log: Logger,
  ) {}

  private send(channel: string, payload: unknown): void {
    this.pubsub.publish(channel, payload).catch((err: Error) => this.log.warn({ err: err.message, channel }, 'live event not published'));
  }

  likeAdded(like: { id: string; postId: string; userId: string }): void {
    this.send(channels.likeAdded(like.postId), { likeAdded: like });
  }

  commentAdded(comment: { id: string; postId: string; authorId: string }): void {
    this.send(channels.commentAdded(comment.postId), { commentAdded: comment });
  }

  activityAdded(activity: { id: string; recipientId: string }): void {
    this.send(channels.activityAdded(activity.recipientId), { activityAdded: activity });
  }
}
