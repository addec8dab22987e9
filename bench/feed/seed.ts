// Bulk rows for the feed bench, written straight into each subgraph's own tables with set-based
// SQL (generate_series) on one connection: users; uploads + READY loops (media derives output
// keys from the loop id, so READY is all a URL needs); posts, tags, post_tags; social's
// post_refs, follows, feed_entries, likes, comments. Deterministic (setseed).
import pg from 'pg';

export interface SeedSizes {
  users: number;
  posts: number;
  follows: number;
  likes: number;
  comments: number;
  tags: number;
}

/** Secondary indexes of `table` dropped around a bulk insert and rebuilt after (faster than row by row). */
async function bulk(c: pg.Client, table: string, insert: string): Promise<number> {
  const { rows } = await c.query<{ name: string; def: string }>(
    `SELECT i.indexname AS name, i.indexdef AS def FROM pg_indexes i
     WHERE i.tablename = $1 AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conname = i.indexname)`, [table]);
  for (const r of rows) await c.query(`DROP INDEX "${r.name}"`);
  const res = await c.query(insert);
  for (const r of rows) await c.query(r.def);
  await c.query(`ANALYZE "${table}"`);
  return res.rowCount ?? 0;
}

export async function seedFeed(databaseUrl: string, s: SeedSizes, passwordHash: string, log: (line: string) => void): Promise<void> {
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  const step = async (what: string, fn: () => Promise<number>) => {
    const t0 = performance.now();
    const n = await fn();
    log(`  ${what}: ${n} rows, ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  };
  try {
    await c.query('SELECT setseed(0.2014)');
    // Index → id maps for this session only (temp tables belong to no subgraph).
    await c.query(`CREATE TEMP TABLE bu AS SELECT i, gen_random_uuid() AS id FROM generate_series(0, ${s.users - 1}) i`);
    await c.query('ALTER TABLE bu ADD PRIMARY KEY (i)');
    // Post i: author i % users scrambled; one post a minute up to an hour ago.
    await c.query(`CREATE TEMP TABLE bp AS SELECT i, gen_random_uuid() AS id, gen_random_uuid() AS loop_id, gen_random_uuid() AS upload_id,
      (i * 7919) % ${s.users} AS author, now() - interval '1 hour' - (${s.posts} - i) * interval '1 minute' AS at
      FROM generate_series(0, ${s.posts - 1}) i`);
    await c.query('ALTER TABLE bp ADD PRIMARY KEY (i)');
    const stride = Math.max(1, Math.floor((s.users - 1) / Math.max(1, s.follows)));
    const follows = Math.min(s.follows, s.users - 1);

    await step('users', async () => (await c.query(`INSERT INTO users (id, handle, email, display_name, password_hash)
      SELECT id, 'bench_' || i, 'bench_' || i || '@example.com', 'Bench ' || i, $1 FROM bu`, [passwordHash])).rowCount!);
    await step('uploads', async () => (await c.query(`INSERT INTO uploads (id, owner_id, kind, part_count, content_type, expires_at)
      SELECT bp.upload_id, bu.id, 'FRAMES', 5, 'image/jpeg', now() FROM bp JOIN bu ON bu.i = bp.author`)).rowCount!);
    await step('loops (READY)', async () => (await c.query(`INSERT INTO loops (id, owner_id, upload_id, status, mode, effect, fps, effect_day,
        frame_count, width, height, duration_ms, mp4_bytes, webp_bytes, gif_bytes, poster_bytes, ready_at, created_at)
      SELECT bp.loop_id, bu.id, bp.upload_id, 'READY', 'BOUNCE', 'NONE', 10, bp.at::date, 5, 720, 720, 900, 90000, 120000, 300000, 40000, bp.at, bp.at
      FROM bp JOIN bu ON bu.i = bp.author`)).rowCount!);
    // Two tags a post out of s.tags, one of them #wow on every 50th; a mention of another user.
    await step('posts', async () => (await c.query(`INSERT INTO posts (id, author_id, loop_id, caption, created_at)
      SELECT bp.id, bu.id, bp.loop_id, 'loop ' || bp.i || ' #t' || (bp.i % ${s.tags}) || ' #t' || ((bp.i * 31 + 7) % ${s.tags})
        || CASE WHEN bp.i % 50 = 0 THEN ' #wow' ELSE '' END || ' @bench_' || ((bp.author + 1) % ${s.users}), bp.at
      FROM bp JOIN bu ON bu.i = bp.author`)).rowCount!);
    // Tags as createPost parses them (#\w here: the captions are ASCII), counts included.
    await c.query(`CREATE TEMP TABLE bt AS SELECT DISTINCT p.id AS post_id, lower(m[1]) AS name, p.created_at
      FROM posts p CROSS JOIN LATERAL regexp_matches(p.caption, '#(\\w+)', 'g') m`);
    await step('tags', async () => (await c.query('INSERT INTO tags (name, post_count) SELECT name, count(*) FROM bt GROUP BY name')).rowCount!);
    await step('post_tags', () => bulk(c, 'post_tags', 'INSERT INTO post_tags (post_id, tag_name, created_at) SELECT post_id, name, created_at FROM bt'));
    await step('post_refs', () => bulk(c, 'post_refs', 'INSERT INTO post_refs (post_id, author_id, created_at) SELECT id, author_id, created_at FROM posts'));
    await step('follows', () => bulk(c, 'follows', `INSERT INTO follows (follower_id, followee_id, created_at)
      SELECT a.id, b.id, now() - interval '2 days' FROM bu a CROSS JOIN generate_series(0, ${follows - 1}) k
      JOIN bu b ON b.i = (a.i + 1 + k * ${stride}) % ${s.users}`));
    // Fan-out on write for every post at once: the set social's fanOut() writes per post.created
    // (the author's followers and the author), in one statement instead of 20,000 events.
    await step('feed_entries', () => bulk(c, 'feed_entries', `INSERT INTO feed_entries (user_id, post_id, author_id, created_at)
      SELECT f.follower_id, r.post_id, r.author_id, r.created_at FROM post_refs r JOIN follows f ON f.followee_id = r.author_id
      UNION ALL SELECT r.author_id, r.post_id, r.author_id, r.created_at FROM post_refs r`));
    const likeStride = Math.max(1, Math.floor((s.users - 1) / Math.max(1, s.likes)));
    const likes = Math.min(s.likes, s.users - 1);
    // 0..2×likes likers a post (mean `likes`), other than its author.
    await step('likes', () => bulk(c, 'likes', `INSERT INTO likes (id, post_id, user_id, created_at)
      SELECT gen_random_uuid(), bp.id, bu.id, bp.at + k * interval '1 second'
      FROM bp CROSS JOIN LATERAL generate_series(0, (hashint4(bp.i) & 1023) % (2 * ${likes} + 1) - 1) k
      JOIN bu ON bu.i = (bp.author + 1 + k * ${likeStride}) % ${s.users}
      WHERE k < ${s.users - 1}`));
    await step('comments', () => bulk(c, 'comments', `INSERT INTO comments (id, post_id, author_id, text, created_at)
      SELECT gen_random_uuid(), bp.id, bu.id, 'comment ' || k || ' on loop ' || bp.i, bp.at + k * interval '1 second'
      FROM bp CROSS JOIN LATERAL generate_series(0, (hashint4(bp.i + 1) & 1023) % (2 * ${s.comments} + 1) - 1) k
      JOIN bu ON bu.i = (bp.author + 3 + k * 13) % ${s.users}`));
    await c.query('VACUUM ANALYZE');
  } finally {
    await c.end();
  }
}
