// `npm run seed`: demo users with loops, made through the public API of a running supergraph
// (`npm start` first), exactly as a client would: sign up, request an upload, PUT frames to
// the presigned URLs, create loops, wait for them. Running it again reuses the users.
import sharp from 'sharp';

const GATEWAY = process.env.GATEWAY_URL ?? 'http://localhost:4000/graphql';
const PASSWORD = process.env.SEED_PASSWORD ?? 'fffoto-demo-password';
const USERS = [
  { handle: 'ada', displayName: 'Ada', hue: 10 },
  { handle: 'bo.loops', displayName: 'Bo', hue: 140 },
  { handle: 'cy_bounce', displayName: 'Cy', hue: 260 },
];
const LOOPS = [
  { effect: 'NONE', mode: 'BOUNCE' },
  { effect: 'SOLO', mode: 'FORWARD' },
  { effect: 'DAILY', mode: 'BOUNCE' },
] as const;

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

async function session(user: (typeof USERS)[number]): Promise<string> {
  try {
    const data = await gql<{ signUp: { accessToken: string } }>(
      'mutation($i: SignUpInput!) { signUp(input: $i) { accessToken } }',
      { i: { handle: user.handle, email: `${user.handle}@demo.fffoto.local`, password: PASSWORD, displayName: user.displayName } },
    );
    return data.signUp.accessToken;
  } catch (err) {
    if ((err as { code?: string }).code !== 'CONFLICT') throw err;
    const data = await gql<{ logIn: { accessToken: string } }>(
      'mutation($i: LogInInput!) { logIn(input: $i) { accessToken } }',
      { i: { login: user.handle, password: PASSWORD } },
    );
    return data.logIn.accessToken;
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

for (const [u, user] of USERS.entries()) {
  const token = await session(user);
  for (const [l, opts] of LOOPS.entries()) {
    const id = await makeLoop(token, await burst(user.hue, l), opts);
    const loop = await waitReady(id);
    console.log(`${user.handle.padEnd(10)} loop ${id} ${opts.mode}/${opts.effect}: ${loop.status}${loop.error ? ` (${loop.error})` : ''}`);
  }
  if (u === 0) console.log(`(log in as any of ${USERS.map((x) => x.handle).join(', ')} with password "${PASSWORD}")`);
}
