// Persisted documents at the gateway (README "Persisted documents"), for HTTP and graphql-ws:
// - APQ (Apollo's protocol, `extensions.persistedQuery { version: 1, sha256Hash }`) on a store
//   every replica shares (persisted-queries-cache.ts); GET for queries, so a CDN can cache
//   anonymous answers (Cache-Control below); mutations over GET are refused (405, Apollo).
// - A documentId (GraphQL over HTTP's persisted documents: `sha256:<hex>` or bare hex) is the
//   same lookup as an APQ hash.
// - Trusted documents (GATEWAY_TRUSTED_DOCUMENTS, trusted-documents.ts): the manifest answers
//   hash lookups first, everywhere. With NODE_ENV=production only its operations run, plus
//   introspection when GATEWAY_INTROSPECTION is on and `{ __typename }`; any other text is
//   refused with PERSISTED_QUERY_NOT_ALLOWED (403) before it is parsed for execution, and a hash
//   outside the manifest is PERSISTED_QUERY_NOT_FOUND (the shared store is not read: whatever is
//   in it was never vetted). Development accepts anything.
import { ApolloServerPluginCacheControl } from '@apollo/server/plugin/cacheControl';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { KeyValueCache } from '@apollo/utils.keyvaluecache';
import type { RequestHandler } from 'express';
import { GraphQLError, type ParseOptions } from 'graphql';
import { ConfigError, z } from '@fffoto/shared/config';
import { httpError } from '@fffoto/shared/http';
import type { Logger } from '@fffoto/shared/logger';
import { openPersistedQueryStore, type PersistedQueryStore } from './persisted-queries-cache.ts';
import { DEFAULT_MANIFEST, introspectionOnly, sha256, TrustedDocuments } from './trusted-documents.ts';

export const persistedDocumentsShape = {
  /** The trusted-documents manifest: a path, `true` for clients/generated/persisted-documents.json, or unset/`false`. */
  GATEWAY_TRUSTED_DOCUMENTS: z.string().optional(),
  /** How long a registered APQ query is kept (seconds). */
  GATEWAY_APQ_TTL_SECONDS: z.coerce.number().int().min(1).default(86_400),
  /** Largest query text APQ stores (bytes); a larger one still runs, it is just not stored. */
  GATEWAY_APQ_MAX_BYTES: z.coerce.number().int().min(1).default(8 * 1024),
  /** max-age of an anonymous GET answer without errors, for shared caches (CDN); 0: no-store. */
  GATEWAY_GET_MAX_AGE_SECONDS: z.coerce.number().int().min(0).default(10),
};

interface PersistedDocumentsConfig {
  NODE_ENV: string;
  REDIS_URL?: string;
  REDIS_PREFIX: string;
  GATEWAY_INTROSPECTION: boolean;
  GATEWAY_TRUSTED_DOCUMENTS?: string;
  GATEWAY_APQ_TTL_SECONDS: number;
  GATEWAY_APQ_MAX_BYTES: number;
  GATEWAY_GET_MAX_AGE_SECONDS: number;
}

const HASH = /^[0-9a-f]{64}$/;

/** A GraphQL request's document fields, as sent (POST body or GET parameters). */
interface DocumentFields {
  query?: unknown;
  extensions?: unknown;
  documentId?: unknown;
}

type Refusal = { status: number; code: string; message: string };
/** What to run: `query` (undefined: look `hash` up) and the hash to look up, or a refusal. */
type Prepared = { query?: string; hash?: string } | Refusal;

const refusal = (status: number, code: string, message: string): Refusal => ({ status, code, message });
const isRefusal = (p: Prepared): p is Refusal => 'code' in p;

export interface PersistedDocuments {
  /** Apollo Server's `persistedQueries` option. */
  persistedQueries: { cache: KeyValueCache<string>; ttl: number };
  /** Before Apollo on /graphql: checks and rewrites the request (POST body, GET parameters). */
  middleware: RequestHandler;
  /** Cache-Control on every answer (Apollo's own header calculation is off); Vary is set by the middleware. */
  plugins: ApolloServerPlugin<BaseContext>[];
  /** graphql-ws subscribe payloads: the text to run, or the error to answer. */
  admitLive(payload: { query: string; extensions?: Record<string, unknown> | null }): { query: string } | GraphQLError;
  stats(): Record<string, unknown>;
  close(): Promise<void>;
}

export function setupPersistedDocuments(config: PersistedDocumentsConfig, parseOptions: ParseOptions, log: Logger): PersistedDocuments {
  const spec = config.GATEWAY_TRUSTED_DOCUMENTS;
  const manifestFile = !spec || spec === 'false' ? undefined : spec === 'true' ? DEFAULT_MANIFEST : spec;
  const trusted = manifestFile ? loadManifest(manifestFile) : undefined;
  const enforce = !!trusted && config.NODE_ENV === 'production';
  // Enforcing: the manifest alone (nothing unvetted from a shared store); otherwise the manifest
  // first, then the shared APQ store.
  const store: PersistedQueryStore | undefined = enforce
    ? undefined
    : openPersistedQueryStore({
        redisUrl: config.REDIS_URL,
        prefix: config.REDIS_PREFIX,
        ttlSeconds: config.GATEWAY_APQ_TTL_SECONDS,
        maxBytes: config.GATEWAY_APQ_MAX_BYTES,
        log,
      });
  const cache: KeyValueCache<string> = {
    // Apollo Server asks for `apq:<hash>` (its APQ prefix): the manifest is keyed by the hash.
    get: async (key) => trusted?.text(key.replace(/^apq:/, '')) ?? store?.get(key),
    set: async (key, value, options) => store?.set(key, value, options),
    delete: async (key) => store?.delete(key),
  };
  if (trusted) log.info({ file: trusted.file, documents: trusted.size, enforced: enforce }, 'trusted documents loaded');

  /** The checks shared by HTTP and WebSocket requests. */
  const prepare = (fields: DocumentFields): Prepared => {
    const { query, extensions, documentId } = fields;
    if (query !== undefined && typeof query !== 'string') return refusal(400, 'BAD_REQUEST', '`query` must be a string.');
    let hash: string | undefined;
    if (extensions !== undefined && extensions !== null) {
      if (typeof extensions !== 'object' || Array.isArray(extensions)) return refusal(400, 'BAD_REQUEST', '`extensions` must be a JSON object.');
      const persisted = (extensions as Record<string, unknown>).persistedQuery;
      if (persisted !== undefined) {
        const { version, sha256Hash } = (persisted ?? {}) as Record<string, unknown>;
        if (!persisted || typeof persisted !== 'object' || version !== 1 || typeof sha256Hash !== 'string' || !HASH.test(sha256Hash)) {
          return refusal(400, 'BAD_REQUEST', '`extensions.persistedQuery` must be { version: 1, sha256Hash: <64 lower-case hex digits> }.');
        }
        hash = sha256Hash;
      }
    }
    if (documentId !== undefined) {
      const id = typeof documentId === 'string' ? documentId.replace(/^sha256:/, '') : '';
      if (!HASH.test(id)) return refusal(400, 'BAD_REQUEST', '`documentId` must be sha256:<64 lower-case hex digits>.');
      if (query) return refusal(400, 'BAD_REQUEST', 'Send either `documentId` or `query`, not both.');
      if (hash && hash !== id) return refusal(400, 'BAD_REQUEST', '`documentId` and `extensions.persistedQuery.sha256Hash` differ.');
      hash = id;
    }
    // A manifest hash names its document: any text sent with it is not needed.
    if (hash && trusted?.text(hash)) return { hash };
    if (hash && query && sha256(query) !== hash) {
      return refusal(400, 'PERSISTED_QUERY_HASH_MISMATCH', '`extensions.persistedQuery.sha256Hash` is not the sha256 of `query`.');
    }
    if (enforce && query && !admitted(query)) {
      // Debug only: anyone can send these. An app build whose operations are missing from the manifest shows here.
      log.debug({ hash: sha256(query) }, 'operation refused: not a trusted document');
      return refusal(403, 'PERSISTED_QUERY_NOT_ALLOWED', 'This gateway runs only the app\'s trusted documents: send a document of the manifest (by its hash).');
    }
    return { query: query || undefined, hash };
  };
  const admitted = (text: string) => {
    if (trusted!.includes(text, parseOptions)) return true;
    const introspection = introspectionOnly(text, parseOptions);
    return introspection === 'typename' || (introspection === 'schema' && config.GATEWAY_INTROSPECTION);
  };

  const middleware: RequestHandler = (req, res, next) => {
    if (req.method === 'GET') {
      const params = new URLSearchParams(req.url.slice(req.url.indexOf('?') + 1 || req.url.length));
      // Not a GraphQL request (a browser opening the IDE): not ours.
      if (!['query', 'extensions', 'documentId'].some((name) => params.has(name))) return next();
      // Until the answer says otherwise (HTTP-level refusals never reach the plugin below).
      res.setHeader('cache-control', 'no-store');
      // Shared caches key GET answers on these too: an anonymous answer never serves a signed-in caller.
      res.setHeader('vary', 'accept, authorization');
      let extensions: unknown;
      try {
        extensions = params.has('extensions') ? JSON.parse(params.get('extensions')!) : undefined;
      } catch {
        return httpError(res, 400, 'BAD_REQUEST', 'The `extensions` parameter is not valid JSON.');
      }
      const prepared = prepare({ query: params.get('query') ?? undefined, extensions, documentId: params.get('documentId') ?? undefined });
      if (isRefusal(prepared)) return httpError(res, prepared.status, prepared.code, prepared.message);
      rewrite(params, prepared, extensions);
      req.url = `${req.url.slice(0, req.url.indexOf('?'))}?${params}`;
      return next();
    }
    const body = req.body as Record<string, unknown> | undefined;
    if (req.method !== 'POST' || !body || typeof body !== 'object' || Array.isArray(body)) return next();
    if (body.query === undefined && body.extensions === undefined && body.documentId === undefined) return next();
    const prepared = prepare(body);
    if (isRefusal(prepared)) return httpError(res, prepared.status, prepared.code, prepared.message);
    if (prepared.hash) body.extensions = { ...(body.extensions as object), persistedQuery: { version: 1, sha256Hash: prepared.hash } };
    body.query = prepared.query;
    delete body.documentId;
    next();
  };

  const maxAge = config.GATEWAY_GET_MAX_AGE_SECONDS;
  const cacheHeaders: ApolloServerPlugin<BaseContext> = {
    async requestDidStart() {
      return {
        async willSendResponse({ request, response }) {
          const headers = response.http.headers;
          if (request.http?.method !== 'GET') return void headers.set('cache-control', 'no-store');
          const personal = !!request.http.headers.get('authorization');
          const clean = response.body.kind === 'single' && !response.body.singleResult.errors && (response.http.status ?? 200) === 200;
          if (personal) headers.set('cache-control', 'private, no-store');
          else if (clean && maxAge > 0) headers.set('cache-control', `public, max-age=${maxAge}`);
          else headers.set('cache-control', 'no-store');
        },
      };
    },
  };

  return {
    persistedQueries: { cache, ttl: config.GATEWAY_APQ_TTL_SECONDS },
    middleware,
    plugins: [ApolloServerPluginCacheControl({ calculateHttpHeaders: false }), cacheHeaders],
    admitLive(payload) {
      const prepared = prepare({ query: payload.query, extensions: payload.extensions ?? undefined });
      if (isRefusal(prepared)) return new GraphQLError(prepared.message, { extensions: { code: prepared.code } });
      if (prepared.query !== undefined) return { query: prepared.query };
      // Over the socket only the manifest answers a hash (APQ registration is an HTTP protocol).
      const text = prepared.hash && trusted?.text(prepared.hash);
      if (text) return { query: text };
      return new GraphQLError('PersistedQueryNotFound', { extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } });
    },
    stats: () => ({ store: store?.kind ?? 'none', trustedDocuments: trusted?.size ?? 0, enforced: enforce }),
    close: async () => store?.close(),
  };
}

/** A manifest that cannot be used stops the gateway with one line naming the variable (main.ts). */
function loadManifest(file: string): TrustedDocuments {
  try {
    return TrustedDocuments.load(file);
  } catch (err) {
    throw new ConfigError(`config: GATEWAY_TRUSTED_DOCUMENTS: ${(err as Error).message}`, { cause: err });
  }
}

/** Writes a prepared request back into GET parameters. */
function rewrite(params: URLSearchParams, prepared: { query?: string; hash?: string }, extensions: unknown): void {
  params.delete('documentId');
  if (prepared.query === undefined) params.delete('query');
  if (prepared.hash) {
    const rest = extensions && typeof extensions === 'object' ? extensions : {};
    params.set('extensions', JSON.stringify({ ...rest, persistedQuery: { version: 1, sha256Hash: prepared.hash } }));
  }
}
