// Distributed tracing across real processes: the gateway, the four subgraphs and the media
// worker each run as their own OS process and export their spans over OTLP/HTTP to a receiver
// in this test (tests/support/otlp-receiver.ts), as they would to a collector. One request
// through the gateway that touches every subgraph is ONE trace: each subgraph's server span is
// the child of the gateway's client span for that call (traceparent in the call's headers). A
// subgraph's call to another subgraph carries it too, and an encode continues the trace of the
// createLoop that queued it (the trace context travels in the job's data).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok } from './support/client.ts';
import { liveClient } from './support/live-client.ts';
import { startOtlpReceiver, SPAN_KIND, type OtlpReceiver, type ReceivedSpan } from './support/otlp-receiver.ts';
import { ENTRIES, startProcessStack, type ProcessStack } from './support/process-stack.ts';
import { freePort, spawnEntry, waitForHttp } from './support/processes.ts';
import { gatewayClient, newUser, readyLoops, type Gql, type TestUser } from '../subgraphs/posts/test/support.ts';

let receiver: OtlpReceiver;
let stack: ProcessStack;
let gql: Gql;
let user: TestUser;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  // Batches leave every 100 ms (default 5 s), so the test need not wait long for them.
  stack = await startProcessStack({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_BSP_SCHEDULE_DELAY: '100' });
  gql = gatewayClient(stack.gatewayUrl);
  user = await newUser(gql, 'tracer');
}, 240_000);
afterAll(async () => {
  await stack?.stop();
  await receiver?.stop();
});

const SUBGRAPHS = ['users', 'media', 'posts', 'social'];

/** The trace of the gateway's server span for the named operation, once `done` holds for it. */
async function traceOf(operation: string, done: (trace: ReceivedSpan[]) => boolean): Promise<ReceivedSpan[]> {
  let trace: ReceivedSpan[] = [];
  await receiver.waitFor((spans) => {
    const root = spans.find((s) => s.service === 'gateway' && s.kind === SPAN_KIND.server && s.name === operation);
    trace = root ? spans.filter((s) => s.traceId === root.traceId) : [];
    return root !== undefined && done(trace);
  });
  return trace;
}

const serverSpan = (trace: ReceivedSpan[], service: string) => trace.find((s) => s.service === service && s.kind === SPAN_KIND.server);
const byId = (trace: ReceivedSpan[], id: string | undefined) => trace.find((s) => s.spanId === id);

describe('one trace per request, across every process it touches', () => {
  let loopId: string;
  let postId: string;

  it('createLoop: the media subgraph continues the gateway trace, and the encode continues it from the job', async () => {
    [loopId] = (await readyLoops(gql, user, 1)) as [string];
    const encoder = stack.services['media-worker'] ? 'media-worker' : 'media'; // without Redis, media encodes in process
    // Each process exports on its own schedule: wait for every span looked at below.
    const trace = await traceOf('mutation CreateLoop', (t) => Boolean(serverSpan(t, 'media')) && t.some((s) => s.name === 'loop-encode' && s.attributes['fffoto.loop.id'] === loopId));
    const gateway = trace.find((s) => s.service === 'gateway' && s.kind === SPAN_KIND.server)!;
    expect(gateway.parentSpanId).toBeUndefined(); // the trace starts at the door
    const media = serverSpan(trace, 'media')!;
    expect(media, 'media server span in the gateway trace').toBeDefined();
    expect(media.name).toBe('mutation CreateLoop__media__0');
    const call = byId(trace, media.parentSpanId)!;
    expect(call).toMatchObject({ service: 'gateway', kind: SPAN_KIND.client, attributes: expect.objectContaining({ 'fffoto.subgraph': 'media' }) });
    const encode = trace.find((s) => s.name === 'loop-encode')!;
    expect(encode).toMatchObject({ service: encoder, kind: SPAN_KIND.consumer, parentSpanId: media.spanId });
  });

  it('createPost: posts calls media (is the loop ready and theirs?) within the same trace', async () => {
    const res = ok(await gql('mutation TracedCreatePost($i: CreatePostInput!) { createPost(input: $i) { id } }', { i: { loopId, caption: 'traced' } }, user.token));
    postId = (res as { createPost: { id: string } }).createPost.id;
    const trace = await traceOf('mutation TracedCreatePost', (t) =>
      Boolean(serverSpan(t, 'posts') && serverSpan(t, 'media') && t.some((s) => s.service === 'posts' && s.kind === SPAN_KIND.client)));
    const posts = serverSpan(trace, 'posts')!;
    expect(byId(trace, posts.parentSpanId)).toMatchObject({ service: 'gateway', kind: SPAN_KIND.client });
    const media = serverSpan(trace, 'media')!;
    const call = byId(trace, media.parentSpanId)!;
    expect(call).toMatchObject({ service: 'posts', kind: SPAN_KIND.client, attributes: expect.objectContaining({ 'fffoto.subgraph': 'media' }) });
    expect(byId(trace, call.parentSpanId)?.spanId).toBe(posts.spanId);
  });

  it('a post with its author, loop and likes: gateway, users, media, posts and social in ONE trace', async () => {
    const query = 'query TracedPost($id: ID!) { post(id: $id) { id author { handle } loop { status } likeCount } }';
    const res = ok(await gql(query, { id: postId }, user.token)) as { post: { author: { handle: string }; loop: { status: string } } };
    expect(res.post).toMatchObject({ author: { handle: user.handle }, loop: { status: 'READY' } });
    const trace = await traceOf('query TracedPost', (t) => SUBGRAPHS.every((name) => serverSpan(t, name)));
    const gateway = trace.find((s) => s.service === 'gateway' && s.kind === SPAN_KIND.server)!;
    expect(gateway.attributes).toMatchObject({ 'graphql.operation.name': 'TracedPost', 'graphql.operation.type': 'query', 'http.response.status_code': 200 });
    for (const name of SUBGRAPHS) {
      const server = serverSpan(trace, name)!;
      const call = byId(trace, server.parentSpanId);
      expect(call, `${name}'s server span is the child of the gateway's call to it`).toMatchObject({
        service: 'gateway',
        kind: SPAN_KIND.client,
        attributes: expect.objectContaining({ 'fffoto.subgraph': name }),
      });
    }
    // Every span of the trace hangs from the gateway's server span (no orphan, no second root).
    for (const span of trace) {
      let at: ReceivedSpan | undefined = span;
      for (let hops = 0; at && at !== gateway && hops < 20; hops++) at = byId(trace, at.parentSpanId);
      expect(at, `${span.service} ${span.name} leads back to the gateway's span`).toBe(gateway);
    }
    expect(new Set(trace.map((s) => s.service))).toEqual(new Set(['gateway', ...SUBGRAPHS]));
    expect(receiver.refused).toEqual([]);
  });

  it('a live event: its completion at the gateway is one trace holding its subgraph calls', async () => {
    const live = liveClient(stack.gatewayUrl, user.token);
    try {
      const sub = live.subscribe<{ likeAdded: { user: { handle: string } } }>('subscription TracedLikes($p: ID!) { likeAdded(postId: $p) { user { handle } } }', { p: postId });
      await live.settled();
      ok(await gql('mutation TracedLike($p: ID!) { likePost(postId: $p) { id } }', { p: postId }, user.token));
      expect((await sub.nth(0)).data?.likeAdded.user.handle).toBe(user.handle);
    } finally {
      await live.dispose();
    }
    let trace: ReceivedSpan[] = [];
    await receiver.waitFor((spans) => {
      const root = spans.find((s) => s.service === 'gateway' && s.kind === SPAN_KIND.consumer && s.name === 'live subscription TracedLikes');
      trace = root ? spans.filter((s) => s.traceId === root.traceId) : [];
      return Boolean(serverSpan(trace, 'users'));
    });
    const root = trace.find((s) => s.kind === SPAN_KIND.consumer)!;
    expect(root.parentSpanId).toBeUndefined();
    const users = serverSpan(trace, 'users')!;
    expect(byId(trace, users.parentSpanId)).toMatchObject({ service: 'gateway', kind: SPAN_KIND.client });
    // The call hangs from the event's span (through @apollo/gateway's own execute/fetch spans).
    let at: ReceivedSpan | undefined = users;
    for (let hops = 0; at && at !== root && hops < 20; hops++) at = byId(trace, at.parentSpanId);
    expect(at).toBe(root);
  });
});

describe('shutdown', () => {
  it('SIGTERM exports the spans still buffered, closes the metrics port, and exits 0', async () => {
    const [port, metricsPort] = [await freePort(), await freePort()];
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'development', LOG_LEVEL: 'warn', USERS_PORT: String(port), METRICS_PORT: String(metricsPort) };
    delete env.JWT_PRIVATE_KEY;
    // No timed export within the test: only the shutdown's flush can send the span.
    const proc = spawnEntry(ENTRIES.users, { ...env, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_BSP_SCHEDULE_DELAY: '600000' });
    try {
      await waitForHttp(`http://127.0.0.1:${port}/health`, proc);
      expect((await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).status).toBe(200);
      const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: 'query LastBeforeShutdown { __typename }' }),
      });
      expect(res.status).toBe(200);
      await new Promise((r) => setTimeout(r, 300));
      expect(receiver.spans.some((s) => s.name === 'query LastBeforeShutdown')).toBe(false);
      proc.child.kill('SIGTERM');
      expect(await proc.waitForExit(30_000)).toEqual({ code: 0, signal: null });
      expect(receiver.spans.filter((s) => s.name === 'query LastBeforeShutdown' && s.service === 'users')).toHaveLength(1);
      await expect(fetch(`http://127.0.0.1:${metricsPort}/metrics`)).rejects.toThrow();
    } finally {
      await proc.kill();
    }
  });
});
