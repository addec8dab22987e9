// `npm run seed`: a browsable social graph, made through the public API of a running supergraph
// (`npm start` first), exactly as a client would: sign up, request an upload, PUT frames to
// the presigned URLs, create loops, wait for them, post them with captions (#hashtags,
// @mentions), follow, like, comment. One demo user is made staff the way `npm run user:role`
// does (it runs that script: who is staff is not an API) to pick #wow posts for WOW. Running it
// again reuses the users and adds new loops and posts. SEED_LOOPS: loops per user (3).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const GATEWAY = process.env.GATEWAY_URL ?? 'http://localhost:4000/graphql';
const PASSWORD = process.env.SEED_PASSWORD ?? 'fffoto-demo-password';
const USERS = [
  { handle: 'ada', displayName: 'Ada', hue: 10 },
  { handle: 'bo.loops', displayName: 'Bo', hue: 140 },
  { handle: 'cy_bounce', displayName: 'Cy', hue: 260 },
];
/** The demo user who becomes staff and picks WOW. */
const STAFF = 'ada';
/** Per user, per loop (cycling): #hashtags (#wow on each user's first) and @mentions of the others. */
const CAPTIONS: Record<string, string[]> = {
  ada: ['First light on the pier #wow #sunrise with @bo.loops', 'Bounce, bounce, bounce #loop #fffoto', 'Daily grain for @cy_bounce #daily #analog'],
  'bo.loops': ['Skate line, one take #wow #skate', 'Coffee steam forever #morning #loop', 'Thanks @ada for the tip #fffoto'],
  cy_bounce: ['Backflip into the lake #wow #summer @ada', 'Neon night walk #city #night', 'Rain on the window #rain #mood @bo.loops'],
};
const COMMENTS = ['so good', 'this loop!', 'how did you make this?', 'wow 🔥'];
const LOOPS = [
  { effect: 'NONE', mode: 'BOUNCE' },
  { effect: 'SOLO', mode: 'FORWARD' },
  { effect: 'DAILY', mode: 'BOUNCE' },
] as const;
const LOOP_COUNT = Number(process.env.SEED_LOOPS ?? LOOPS.length);
if (!Number.isInteger(LOOP_COUNT) || LOOP_COUNT < 1) throw new Error('SEED_LOOPS must be a positive integer');

async function gql<T>(query: string, variables: object, token?: string): Promise<T> {
  const res = await fetch(GATEWAY, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: Array<{ message: string; extensions?: { code?: string } }> };
  if (body.errors?.length) throw Object.assign(new Error(body.errors[0]!.message), { code: body.errors[0]!.extensions?.code });
  return body.data!;
}

interface Session {
  token: string;
  id: string;
}

async function logIn(handle: string): Promise<Session> {
  const data = await gql<{ logIn: { accessToken: string; user: { id: string } } }>(
    'mutation($i: LogInInput!) { logIn(input: $i) { accessToken user { id } } }',
    { i: { login: handle, password: PASSWORD } },
  );
  return { token: data.logIn.accessToken, id: data.logIn.user.id };
}

/** Signs up, or logs in when the handle is taken (a second run). */
async function session(user: (typeof USERS)[number]): Promise<Session> {
  try {
    const data = await gql<{ signUp: { accessToken: string; user: { id: string } } }>(
      'mutation($i: SignUpInput!) { signUp(input: $i) { accessToken user { id } } }',
      { i: { handle: user.handle, email: `${user.handle}@demo.fffoto.local`, password: PASSWORD, displayName: user.displayName } },
    );
    return { token: data.signUp.accessToken, id: data.signUp.user.id };
  } catch (err) {
    if ((err as { code?: string }).code !== 'CONFLICT') throw err;
    return logIn(user.handle);
  }
}

/** A burst of 5 frames: a ball crossing a gradient sky, coloured per user. */
function burst(hue: number, variant: number): Promise<Buffer[]> {
  return Promise.all(
    Array.from({ length: 5 }, (_, i) => {
      const x = 120 + i * 140 + variant * 20;
      const y = 420 - Math.round(Math.sin((i / 4) * Math.PI) * 220);
      const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="900" height="900">
        <defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1">
          <stop offset="0" stop-color="hsl(${hue},70%,70%)"/><stop offset="1" stop-color="hsl(${hue + 40},60%,35%)"/></linearGradient></defs>
        <rect width="900" height="900" fill="url(#g)"/>
        <circle cx="${x}" cy="${y}" r="90" fill="hsl(${hue + 180},80%,60%)" stroke="white" stroke-width="12"/>
        <rect y="760" width="900" height="140" fill="hsl(${hue},30%,20%)"/></svg>`;
      return sharp(Buffer.from(svg)).jpeg({ quality: 85 }).toBuffer();
    }),
  );
}

async function makeLoop(token: string, frames: Buffer[], opts: (typeof LOOPS)[number]): Promise<string> {
  const { requestUpload } = await gql<{ requestUpload: { id: string; parts: Array<{ url: string; method: string; headers: Array<{ name: string; value: string }> }> } }>(
    'mutation($i: RequestUploadInput!) { requestUpload(input: $i) { id parts { url method headers { name value } } } }',
    { i: { kind: 'FRAMES', count: frames.length, contentType: 'image/jpeg', partSizes: frames.map((f) => f.length) } },
    token,
  );
  for (const [i, part] of requestUpload.parts.entries()) {
    const res = await fetch(part.url, {
      method: part.method,
      headers: Object.fromEntries(part.headers.map((h) => [h.name, h.value])),
      body: new Uint8Array(frames[i]!),
    });
    if (!res.ok) throw new Error(`upload of frame ${i} failed: HTTP ${res.status}`);
  }
  const { createLoop } = await gql<{ createLoop: { id: string } }>(
    'mutation($i: CreateLoopInput!) { createLoop(input: $i) { id } }',
    { i: { uploadId: requestUpload.id, ...opts, fps: 8 } },
    token,
  );
  return createLoop.id;
}

async function waitReady(id: string): Promise<{ status: string; webpUrl: string | null; error: string | null }> {
  for (let i = 0; i < 300; i++) {
    const { loop } = await gql<{ loop: { status: string; webpUrl: string | null; error: string | null } }>(
      'query($id: ID!) { loop(id: $id) { status webpUrl error } }', { id },
    );
    if (loop.status === 'READY' || loop.status === 'FAILED') return loop;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`loop ${id} did not finish`);
}

/**
 * Makes `handle` staff by running scripts/user-role.ts (same DATABASE_URL, REDIS_URL and
 * REDIS_PREFIX as this process; its PGlite default fits embedded `npm start`). It revokes the
 * user's tokens issued up to this second, so the caller waits for the next second and logs in again.
 */
async function makeStaff(handle: string): Promise<Session> {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/user-role.ts', handle, 'STAFF'], { cwd: root, env: process.env, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`npm run user:role -- ${handle} STAFF failed (exit ${run.status}): ${run.stderr || run.stdout}`);
  await new Promise((r) => setTimeout(r, 1_100));
  return logIn(handle);
}

const sessions = new Map<string, Session>();
for (const user of USERS) sessions.set(user.handle, await session(user));
const me = (handle: string) => sessions.get(handle)!;

// Everyone follows everyone (idempotent on a second run).
for (const a of USERS) {
  for (const b of USERS) {
    if (a !== b) await gql('mutation($id: ID!) { follow(userId: $id) { id } }', { id: me(b.handle).id }, me(a.handle).token);
  }
}
console.log(`follows: each of ${USERS.map((x) => x.handle).join(', ')} follows the others`);

const posts: Array<{ id: string; handle: string; caption: string }> = [];
for (const [u, user] of USERS.entries()) {
  const { token } = me(user.handle);
  for (let l = 0; l < LOOP_COUNT; l++) {
    const opts = LOOPS[l % LOOPS.length]!;
    const id = await makeLoop(token, await burst(user.hue, l), opts);
    const loop = await waitReady(id);
    console.log(`${user.handle.padEnd(10)} loop ${id} ${opts.mode}/${opts.effect}: ${loop.status}${loop.error ? ` (${loop.error})` : ''}`);
    if (loop.status !== 'READY') continue;
    const caption = CAPTIONS[user.handle]![l % CAPTIONS[user.handle]!.length]!;
    const { createPost } = await gql<{ createPost: { id: string } }>(
      'mutation($i: CreatePostInput!) { createPost(input: $i) { id } }', { i: { loopId: id, caption } }, token,
    );
    posts.push({ id: createPost.id, handle: user.handle, caption });
    console.log(`${user.handle.padEnd(10)} post ${createPost.id}: ${caption}`);
  }
  if (u === 0) console.log(`(log in as any of ${USERS.map((x) => x.handle).join(', ')} with password "${PASSWORD}")`);
}

// Likes and comments on other people's posts: every other user likes each post, one comments.
let likes = 0;
let comments = 0;
for (const [i, post] of posts.entries()) {
  const others = USERS.filter((x) => x.handle !== post.handle);
  for (const other of others) {
    await gql('mutation($id: ID!) { likePost(postId: $id) { id } }', { id: post.id }, me(other.handle).token);
    likes++;
  }
  const commenter = others[i % others.length]!;
  await gql('mutation($id: ID!, $t: String!) { addComment(postId: $id, text: $t) { id } }',
    { id: post.id, t: `${COMMENTS[i % COMMENTS.length]} @${post.handle}` }, me(commenter.handle).token);
  comments++;
}
console.log(`likes: ${likes}, comments: ${comments}`);

// WOW: the staff user picks every #wow post of this run.
const staff = await makeStaff(STAFF);
const wow = posts.filter((p) => /#wow\b/i.test(p.caption));
for (const post of wow) await gql('mutation($id: ID!) { pickWow(postId: $id) { id } }', { id: post.id }, staff.token);
console.log(`${STAFF} is staff; WOW picks: ${wow.length}`);
