// The GraphQL IDE for schema consumers: GraphiQL, served by the gateway itself from npm packages,
// so it works offline and behind firewalls (Apollo's landing page loads Sandbox from the internet).
// A browser opening the endpoint gets the page; every other request (POST, GET with `query` or
// `extensions`, a client that prefers JSON) goes on to Apollo untouched.
import { httpError, type createHttpService } from '@fffoto/shared/http';
import { loadIdeAssets, type IdeAsset } from './assets.ts';

type App = ReturnType<typeof createHttpService>['app'];

/**
 * Scripts only from files of our own origin (no inline script, no eval); styles and fonts from
 * GraphiQL's stylesheet (its fonts are data: URLs); requests only back to this origin (in CSP 3
 * 'self' covers ws:/wss: to the same host, for subscriptions).
 */
const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "font-src 'self' data:",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const FOREVER = 'public, max-age=31536000, immutable';

const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

function renderPage(endpoint: string, urlOf: (asset: IdeAsset) => string, assets: IdeAsset[]): string {
  const styles = assets.filter((a) => a.name.endsWith('.css')).map((a) => `<link rel="stylesheet" href="${urlOf(a)}">`);
  const scripts = assets.filter((a) => a.name.endsWith('.js')).map((a) => `<script src="${urlOf(a)}"></script>`);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>FFFoto GraphQL IDE</title>
<link rel="icon" href="data:,">
${styles.join('\n')}
</head>
<body>
<div id="graphiql" data-endpoint="${escapeAttr(endpoint)}">Loading the GraphQL IDE…</div>
<noscript>The GraphQL IDE needs JavaScript. The schema as SDL: <a href="${escapeAttr(endpoint)}/schema.graphql">schema.graphql</a>.</noscript>
${scripts.join('\n')}
</body>
</html>
`;
}

/** GET `endpoint` from a browser → the IDE; its files under `endpoint`/ide/<hash>/<name>. */
export function serveGraphqlIde(app: App, endpoint: string): void {
  const assets = loadIdeAssets();
  const urlOf = (asset: IdeAsset) => `${endpoint}/ide/${asset.hash}/${asset.name}`;
  const page = renderPage(endpoint, urlOf, [...assets.values()]);

  app.get(endpoint, (req, res, next) => {
    // The same URL answers JSON to API clients: a cache must key on Accept.
    res.vary('Accept');
    // A page load by a browser: prefers HTML and carries no operation (GET operations are Apollo's).
    const params = req.query as Record<string, unknown>;
    if ('query' in params || 'extensions' in params || 'documentId' in params) return next();
    if (req.accepts(['application/json', 'application/graphql-response+json', 'text/html']) !== 'text/html') return next();
    res.set({
      'content-security-policy': PAGE_CSP,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-cache',
    });
    res.type('html').send(page);
  });

  app.get(`${endpoint}/ide/:hash/:name`, async (req, res, next) => {
    const asset = assets.get(req.params.name);
    if (!asset) return httpError(res, 404, 'NOT_FOUND', 'No such IDE file.');
    try {
      const gzipped = req.acceptsEncodings('gzip', 'identity') === 'gzip';
      const body = gzipped ? await asset.gzipped() : asset.body;
      res.set({
        'content-type': asset.type,
        'x-content-type-options': 'nosniff',
        'cross-origin-resource-policy': 'same-origin',
        // An old hash (a page from before a deploy) gets today's file, but not for keeps.
        'cache-control': req.params.hash === asset.hash ? FOREVER : 'no-cache',
        vary: 'Accept-Encoding',
        ...(gzipped ? { 'content-encoding': 'gzip' } : {}),
      });
      res.end(body);
    } catch (err) {
      next(err);
    }
  });
}
