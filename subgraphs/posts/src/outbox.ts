// The posts subgraph's outbox: post.created / post.deleted, written with the change they announce.
import type { Outbox } from '@fffoto/shared/outbox';

export const postsOutbox: Outbox = { table: 'post_events', source: 'posts' };
