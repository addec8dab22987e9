// The social subgraph's operations, one place for resolvers to call: graph (follows, blocks),
// engagement (likes, comments), news (activity, reports), the feed and trending posts.
import { Prisma, type Db } from '@fffoto/shared/db';
import { notBlockedWith } from './blocks.ts';
import type { SocialDeps } from './deps.ts';
import { Engagement } from './engagement.ts';
import { feedPage } from './feed.ts';
import { Graph } from './graph.ts';
import { LiveStreams } from './live-streams.ts';
import { News } from './news.ts';
import { decodeCursor, pageSize, type Connection } from './paging.ts';
import type { PostParent } from './context.ts';

export class SocialService {
  readonly db: Db;
  readonly graph: Graph;
  readonly engagement: Engagement;
  readonly news: News;
  readonly streams: LiveStreams;

  constructor(private readonly d: SocialDeps) {
    this.db = d.db;
    this.graph = new Graph(d);
    this.engagement = new Engagement(d);
    this.news = new News(d);
    this.streams = new LiveStreams(d.db, d.live.pubsub, d.refs);
  }

  feed(viewerId: string, first: number | null | undefined, after: string | null | undefined): Promise<Connection<PostParent>> {
    return feedPage(this.db, viewerId, pageSize(first), decodeCursor(after));
  }

  /** Today's top posts by engagement that still exist and are not across a block with the viewer. */
  async trendingPosts(viewerId: string | null, first: number | null | undefined): Promise<PostParent[]> {
    const n = pageSize(first);
    // Read a few extra: deleted or hidden posts are dropped below.
    const top = await this.d.trending.top(n * 2 + 10);
    if (!top.length) return [];
    const ids = top.map((t) => t.member);
    const rows = await this.db.$queryRaw<Array<{ id: string }>>`
      SELECT post_id::text AS id FROM post_refs WHERE post_id = ANY(${ids}::uuid[])
        AND ${notBlockedWith(viewerId, Prisma.sql`author_id`)}`;
    const live = new Set(rows.map((r) => r.id));
    return ids.filter((id) => live.has(id)).slice(0, n).map((id) => ({ id }));
  }
}
