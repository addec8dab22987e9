// The GraphQL IDE the gateway serves (gateway/src/ide/): in headless Debian Chromium with every
// host but 127.0.0.1 unreachable, the page loads GraphiQL from the gateway alone, reads the schema
// by introspection, runs a query carrying the Headers tab's Authorization, and a subscription over
// graphql-ws. Over plain HTTP: the page's security and cache headers, files from npm, API requests
// on the same URL still reaching Apollo, and GATEWAY_IDE / GATEWAY_INTROSPECTION turning it off.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGatewayConfig, startGateway } from '../src/app.ts';
import { graphqlClient, ok } from '../../tests/support/client.ts';
import { startStack, type Stack } from '../../tests/support/stack.ts';
import {
  fillEditor,
  launchOfflineChromium,
  openDocsWhenSchemaLoaded,
  runOperation,
  skipWithoutChromium,
  waitForResult,
  type OfflineBrowser,
} from './support/ide-browser.ts';

/** What Chromium sends when it opens a page. */
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';
const openPage = (url: string, headers: Record<string, string> = {}) => fetch(url, { headers: { accept: BROWSER_ACCEPT, ...headers } });
const graphiqlBundle = path.join(path.dirname(createRequire(import.meta.url).resolve('graphiql/package.json')), 'graphiql.min.js');

interface User {
  id: string;
  handle: string;
  token: string;
}

let stack: Stack;
let viewer: User;
let fan: User;
let gql: ReturnType<typeof graphqlClient>;

async function signUp(name: string): Promise<User> {
  const handle = `${name}_${Date.now().toString(36)}`;
  const res = ok(
    await gql<{ signUp: { accessToken: string; user: { id: string } } }, never>(
      `mutation { signUp(input: { handle: "${handle}", email: "${handle}@example.com", password: "long enough password", displayName: "IDE ${name}" }) { accessToken user { id } } }`,
    ),
  );
  return { id: res.signUp.user.id, handle, token: res.signUp.accessToken };
}

/** The files the page loads, from its <script src> and <link href>. */
const pageFiles = (html: string) => [...html.matchAll(/<(?:script src|link rel="stylesheet" href)="([^"]+)"/g)].map((m) => m[1]!);

beforeAll(async () => {
  stack = await startStack({ posts: true, social: true });
  gql = graphqlClient(stack.gatewayUrl);
  viewer = await signUp('ide_viewer');
  fan = await signUp('ide_fan');
});

afterAll(async () => {
  await stack?.stop();
});

describe('the IDE over HTTP', () => {
  it('a browser opening /graphql gets the page: strict CSP (no inline script, no other origin), nosniff, no-cache, Vary: Accept', async () => {
    const res = await openPage(stack.gatewayUrl);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('vary')).toMatch(/\bAccept\b/);
    const html = await res.text();
    expect(html).not.toMatch(/<script>|<script [^>]*>[^<]/); // every script is a file
    const files = pageFiles(html);
    expect(files.length).toBe(6);
    for (const file of files) expect(file).toMatch(/^\/graphql\/ide\/[0-9a-f]{12}\/[\w.-]+$/);
  });

  it('serves GraphiQL and React from node_modules, immutable under their hash, gzipped when asked; unknown files are NOT_FOUND', async () => {
    const files = pageFiles(await (await openPage(stack.gatewayUrl)).text());
    const origin = new URL(stack.gatewayUrl).origin;
    for (const file of files) {
      const res = await fetch(origin + file, { headers: { 'accept-encoding': 'identity' } });
      expect(res.status, file).toBe(200);
      expect(res.headers.get('content-type'), file).toMatch(file.endsWith('.css') ? /^text\/css/ : /^text\/javascript/);
      expect(res.headers.get('cache-control'), file).toBe('public, max-age=31536000, immutable');
      expect(res.headers.get('x-content-type-options'), file).toBe('nosniff');
      expect(res.headers.get('content-encoding'), file).toBeNull();
    }
    const bundleUrl = origin + files.find((f) => f.endsWith('/graphiql.min.js'))!;
    const npmFile = readFileSync(graphiqlBundle);
    expect(Buffer.from(await (await fetch(bundleUrl, { headers: { 'accept-encoding': 'identity' } })).arrayBuffer()).equals(npmFile)).toBe(true);
    const gzipped = await fetch(bundleUrl, { headers: { 'accept-encoding': 'gzip' } });
    expect(gzipped.headers.get('content-encoding')).toBe('gzip');
    expect(Buffer.from(await gzipped.arrayBuffer()).equals(npmFile)).toBe(true); // fetch inflates it
    // A page from before a deploy names an old hash: today's file, not cached for keeps.
    const stale = await fetch(bundleUrl.replace(/\/[0-9a-f]{12}\//, '/000000000000/'));
    expect(stale.status).toBe(200);
    expect(stale.headers.get('cache-control')).toBe('no-cache');
    const unknown = await fetch(`${stack.gatewayUrl}/ide/000000000000/secrets.js`);
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]!.extensions.code).toBe('NOT_FOUND');
  });

  it('API requests on the same URL still reach Apollo: GET with `query` or `extensions`, a JSON Accept, POST', async () => {
    const preflight = { 'apollo-require-preflight': 'true' };
    const get = await openPage(`${stack.gatewayUrl}?query=${encodeURIComponent('{ __typename }')}`, preflight);
    expect(get.headers.get('content-type')).toMatch(/json/);
    expect(await get.json()).toEqual({ data: { __typename: 'Query' } });
    const extensions = JSON.stringify({ persistedQuery: { version: 1, sha256Hash: '0'.repeat(64) } });
    const apq = await openPage(`${stack.gatewayUrl}?extensions=${encodeURIComponent(extensions)}`, preflight);
    expect(apq.headers.get('content-type')).toMatch(/json/);
    const json = await fetch(stack.gatewayUrl, { headers: { accept: 'application/json', ...preflight } });
    expect(json.headers.get('content-type')).toMatch(/json/);
    const post = await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: { accept: BROWSER_ACCEPT, 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(await post.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it.each([['GATEWAY_IDE'], ['GATEWAY_INTROSPECTION']])('%s=false: no IDE, and no Apollo landing page (CDN) either', async (flag) => {
    const files = pageFiles(await (await openPage(stack.gatewayUrl)).text());
    const gateway = await startGateway(loadGatewayConfig({ ...stack.gatewayEnv, GATEWAY_PORT: '0', [flag]: 'false' }));
    try {
      const res = await openPage(gateway.url);
      expect(res.headers.get('content-type')).toMatch(/json/);
      expect(await res.text()).not.toMatch(/<html|apollographql|sandbox/i);
      const asset = await fetch(new URL(files[0]!, gateway.url));
      expect(asset.headers.get('content-type')).toMatch(/json/);
    } finally {
      await gateway.stop();
    }
  });
});

describe.skipIf(skipWithoutChromium('the GraphQL IDE browser test'))('the IDE in headless Chromium, every other host unreachable', () => {
  let browser: OfflineBrowser;

  beforeAll(async () => {
    browser = await launchOfflineChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  /** Nothing left 127.0.0.1, the CSP refused nothing, nothing threw. */
  function expectSelfContained(): void {
    expect(browser.offHost).toEqual([]);
    expect(browser.cspViolations).toEqual([]);
    expect(browser.pageErrors).toEqual([]);
  }

  it('loads the schema by introspection and runs a query carrying the Authorization header from the Headers tab', async () => {
    const { page } = browser;
    await page.goto(stack.gatewayUrl);
    await openDocsWhenSchemaLoaded(page);
    await fillEditor(page, 'Headers', JSON.stringify({ Authorization: `Bearer ${viewer.token}` }));
    await fillEditor(page, 'Query Editor', `{ me { handle } searchUsers(query: "${viewer.handle}", first: 1) { handle displayName } }`);
    await runOperation(page);
    // `me` is answered only when the header reached the gateway.
    expect(await waitForResult(page, viewer.handle)).toEqual({
      data: { me: { handle: viewer.handle }, searchUsers: [{ handle: viewer.handle, displayName: 'IDE ide_viewer' }] },
    });
    expectSelfContained();
  });

  it('runs a subscription over graphql-ws on /graphql, authorised by the same header', async () => {
    const { page } = browser;
    await page.goto(stack.gatewayUrl);
    await openDocsWhenSchemaLoaded(page);
    await fillEditor(page, 'Headers', JSON.stringify({ Authorization: `Bearer ${viewer.token}` }));
    await fillEditor(page, 'Query Editor', 'subscription { activityAdded { kind actor { handle } } }');
    // Listening from the socket's first moment: the subscribe frame may leave before a listener
    // attached after `websocket` fired would see it.
    const subscribed = new Promise<string>((resolve) => {
      page.on('websocket', (ws) => ws.on('framesent', (f) => String(f.payload).includes('"subscribe"') && resolve(ws.url())));
    });
    await runOperation(page);
    const socketUrl = await Promise.race([subscribed, new Promise<string>((_, reject) => setTimeout(() => reject(new Error('no subscribe frame within 30 s')), 30_000))]);
    expect(new URL(socketUrl).pathname).toBe('/graphql');
    // The subscription is in place a moment after its subscribe message (the browser client has
    // no barrier ping): follow until the event shows, unfollowing between tries.
    let shown: unknown;
    for (let attempt = 0; attempt < 5 && !shown; attempt++) {
      ok(await gql(`mutation { follow(userId: "${viewer.id}") { id } }`, undefined, fan.token));
      shown = await waitForResult(page, fan.handle, 3_000).catch(() => undefined);
      if (!shown) ok(await gql(`mutation { unfollow(userId: "${viewer.id}") { id } }`, undefined, fan.token));
    }
    expect(shown).toEqual({ data: { activityAdded: { kind: 'FOLLOW', actor: { handle: fan.handle } } } });
    expectSelfContained();
  });
});
