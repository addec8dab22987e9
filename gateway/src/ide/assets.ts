// The IDE's static files, read from node_modules where npm put them (GraphiQL 3's prebuilt
// browser bundle and React 18's UMD builds) plus our own two small files beside this one.
// Nothing is copied into the repository and nothing is fetched from a CDN.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { gzip } from 'node:zlib';

const require = createRequire(import.meta.url);
const gzipAsync = promisify(gzip);

// Each package's own directory, found from its package.json: GraphiQL's "exports" map hides its
// bundle from require.resolve, but exports package.json (React's does too).
const graphiql = path.dirname(require.resolve('graphiql/package.json'));
const react = path.dirname(require.resolve('react/package.json'));
const reactDom = path.dirname(require.resolve('react-dom/package.json'));

const JS = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';

/** File name in the URL → where it is read from, in the order the page loads it. */
const SOURCES: Record<string, { file: string; type: string }> = {
  'graphiql.min.css': { file: path.join(graphiql, 'graphiql.min.css'), type: CSS },
  'ide.css': { file: fileURLToPath(new URL('ide.css', import.meta.url)), type: CSS },
  'react.production.min.js': { file: path.join(react, 'umd/react.production.min.js'), type: JS },
  'react-dom.production.min.js': { file: path.join(reactDom, 'umd/react-dom.production.min.js'), type: JS },
  'graphiql.min.js': { file: path.join(graphiql, 'graphiql.min.js'), type: JS },
  'start-graphiql.js': { file: fileURLToPath(new URL('start-graphiql.js', import.meta.url)), type: JS },
};

export interface IdeAsset {
  name: string;
  type: string;
  body: Buffer;
  /** Content hash: part of the asset's URL, so a new version is a new URL (cached forever). */
  hash: string;
  /** Compressed once, on first request (GraphiQL's bundle is ~1 MB, ~300 KB gzipped). */
  gzipped(): Promise<Buffer>;
}

/** Reads every asset once (about 1.6 MB); a missing package fails here, at start, not in a browser. */
export function loadIdeAssets(): Map<string, IdeAsset> {
  return new Map(
    Object.entries(SOURCES).map(([name, { file, type }]) => {
      const body = readFileSync(file);
      let compressed: Promise<Buffer> | undefined;
      const asset: IdeAsset = {
        name,
        type,
        body,
        hash: createHash('sha256').update(body).digest('hex').slice(0, 12),
        gzipped: () => (compressed ??= gzipAsync(body)),
      };
      return [name, asset];
    }),
  );
}
