// The gateway: @apollo/gateway behind @apollo/server on express. It loads a composed
// supergraph file, verifies the caller's JWT and forwards it, so each subgraph verifies it again.
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloGateway, RemoteGraphQLDataSource, type ServiceMap } from '@apollo/gateway';
import { isObject } from '@apollo/gateway/dist/utilities/predicates.js';
import type { FetcherResponse } from '@apollo/utils.fetcher';
import { printSchema, type GraphQLError } from 'graphql';
import { readFileSync } from 'node:fs';
import { authenticate, createTokenVerifier, type Viewer } from '@fffoto/shared/auth';
import { baseShape, flag, loadConfig, port, redisShape, tokenVerifyShape, z } from '@fffoto/shared/config';
import { createLogger, type Logger } from '@fffoto/shared/logger';
import { openRevocations } from '@fffoto/shared/revocation';
import { apolloHandler } from '@fffoto/shared/apollo-http';
import { graphqlMetricsPlugin, watchLive } from '@fffoto/shared/metrics';
import { createHttpService, finishApp, graphqlBody, httpError, listen, NotReadyError } from '@fffoto/shared/http';
import { inputHygienePlugin } from '@fffoto/shared/input-hygiene';
import { limitsFromConfig, operationLimits, operationLimitsShape, withOperationLimitCodes } from '@fffoto/shared/operation-limits';
import { formatError, telemetryOff, type ServiceHandle } from '@fffoto/shared/server';
import { restrictCachePolicy } from './cache-hint.ts';
import { LevelExecutor } from './execution/executor.ts';
import { EntityFetchBatcher, type EntitiesResponse } from './dedupe-representations.ts';
import { operationResolutionPlugin } from './operation-resolution.ts';
import { persistedDocumentsShape, setupPersistedDocuments } from './persisted-documents.ts';
import { responseIntegrityPlugin } from './response-integrity.ts';
import { serveGraphqlIde } from './ide/ide.ts';
import { serveClientSockets } from './live/client-sockets.ts';
import { LiveHub } from './live/hub.ts';
import { SubscriptionPlanner } from './live/subscription-plan.ts';
import { Upstreams } from './live/upstream.ts';
import { NO_DEDUPE_HEADER, PlainHeaders, subgraphFetcher, type SubgraphFetcher } from './subgraph-fetcher.ts';
import { outageOf, SubgraphUnavailableError, unavailableResponse } from './subgraph-outage.ts';

export const gatewayConfigShape = {
  ...baseShape,
  ...tokenVerifyShape,
  /** Where revocations are (revocation.ts); without it, the in-process stand-in (embedded). */
  REDIS_URL: redisShape.REDIS_URL.optional(),
  REDIS_PREFIX: redisShape.REDIS_PREFIX,
  GATEWAY_PORT: port(4000),
  /** The interface to listen on: the gateway is the public door (subgraphs default to loopback). */
  HOST: z.string().default('0.0.0.0'),
  /** Any composed supergraph file; benchmarks and outside tools run the gateway on their own. */
  SUPERGRAPH_FILE: z.string().default(new URL('../supergraph.graphql', import.meta.url).pathname),
  /**
   * Introspection and the SDL at /graphql/schema.graphql, for schema consumers: on unless this
   * says otherwise, production included (GATEWAY_MAX_DEPTH bounds introspection's nesting).
   */
  GATEWAY_INTROSPECTION: flag.default(true),
  /** GraphiQL for browsers at GET /graphql (ide/), production included; off whenever introspection is. */
  GATEWAY_IDE: flag.default(true),
  /** Routing URL overrides, `name=url,name=url` (e.g. users=http://users:4001/graphql). */
  SUBGRAPH_URLS: z.string().optional(),
  /** Merge and deduplicate a request's entity fetches (on); off gives stock behaviour, for comparison. */
  GATEWAY_BATCH_ENTITIES: flag.default(true),
  /** Send identical subgraph queries in flight at once only once (same query, variables and headers; never mutations). */
  GATEWAY_DEDUPE_REQUESTS: flag.default(true),
  /** A subgraph call with no answer within this long fails (its fields: SERVICE_UNAVAILABLE). */
  GATEWAY_SUBGRAPH_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
  /** How often a live connection's token is verified again (a logout or deleted account ends it). */
  GATEWAY_LIVE_RECHECK_MS: z.coerce.number().int().min(100).default(30_000),
  /** Events waiting for one subscriber (its socket not draining) before it is closed as a slow consumer (1013). */
  GATEWAY_LIVE_BUFFER: z.coerce.number().int().min(1).default(256),
  /**
   * Continue a client's W3C trace context (traceparent, tracestate, baggage) when tracing is on.
   * Off: the public could force sampling and send context on to the subgraphs; turn it on only
   * behind a proxy that sets or strips these headers itself.
   */
  GATEWAY_TRUST_TRACEPARENT: flag.default(false),
  /** GATEWAY_MAX_* (shared operation-limits.ts): tokens, aliases, directives, fields, root fields, root mutations, depth. */
  ...operationLimitsShape,
  /** GATEWAY_TRUSTED_DOCUMENTS, GATEWAY_APQ_*, GATEWAY_GET_MAX_AGE_SECONDS (persisted-documents.ts). */
  ...persistedDocumentsShape,
};
export type GatewayConfig = ReturnType<typeof loadGatewayConfig>;
export const loadGatewayConfig = (env: NodeJS.ProcessEnv = process.env) => loadConfig(gatewayConfigShape, env);

export interface GatewayContext {
  viewer: Viewer | null;
  /** Why the bearer token was not accepted; subgraphs see the same token and say so where it matters. */
  authError?: GraphQLError;
  authorization?: string;
  /** Set for the per-event completion of a live subscription (live/hub.ts). */
  live?: boolean;
}

export function parseUrlOverrides(spec: string | undefined): Record<string, string> {
  if (!spec) return {};
  return Object.fromEntries(
    spec.split(',').filter(Boolean).map((pair) => {
      const [name, url] = pair.split('=');
      if (!name || !url) throw new Error(`config: SUBGRAPH_URLS has a bad entry ${JSON.stringify(pair)}`);
      return [name.trim(), url.trim()];
    }),
  );
}

type ProcessOptions = Parameters<RemoteGraphQLDataSource<GatewayContext>['process']>[0];
type SubgraphResponse = Awaited<ReturnType<RemoteGraphQLDataSource<GatewayContext>['process']>>;

class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    private readonly name: string,
    url: string,
    private readonly batchEntities: boolean,
    private readonly log: Logger,
    fetcher: SubgraphFetcher,
  ) {
    super({ url, fetcher });
  }

  /** Entity fetches of one request are merged and deduplicated (see dedupe-representations.ts). */
  private readonly batcher = new EntityFetchBatcher<object, ProcessOptions, SubgraphResponse & EntitiesResponse>(
    (representations, options) => {
      options.request.variables = { ...options.request.variables, representations };
      return this.send(options) as Promise<SubgraphResponse & EntitiesResponse>;
    },
  );

  /** Forwards the caller's token: each subgraph verifies it again. */
  override willSendRequest({ request, context }: Parameters<RemoteGraphQLDataSource<GatewayContext>['willSendRequest'] & {}>[0]) {
    if (context.authorization) request.http?.headers.set('authorization', context.authorization);
    // A refused token must reach the subgraph itself (which refuses it too), never share an
    // answer fetched while it was still good; a live event's fields must be read after it.
    if (context.authError || context.live) request.http?.headers.set(NO_DEDUPE_HEADER, '1');
  }

  /** A fetch that got no GraphQL answer because the subgraph is unreachable (subgraph-outage.ts). */
  override didEncounterError(...[error, _request, response]: Parameters<RemoteGraphQLDataSource['didEncounterError']>): void {
    throw outageOf(this.name, error, response) ?? error;
  }

  /** The fields of a fetch to an unreachable subgraph fail as SERVICE_UNAVAILABLE, each at its path. */
  override async process(options: ProcessOptions): Promise<SubgraphResponse> {
    // Read before the fetch: entity batching replaces the first fetch's variables with the merged list.
    const reps = options.request.variables?.representations;
    try {
      return await this.fetch(options);
    } catch (err) {
      if (!(err instanceof SubgraphUnavailableError)) throw err;
      this.log.warn({ subgraph: this.name, err: (err.cause as Error)?.message }, 'subgraph unreachable');
      return unavailableResponse(err, {
        query: options.request.query,
        document: 'document' in options ? options.document : undefined,
        representationCount: Array.isArray(reps) ? reps.length : undefined,
      }) as SubgraphResponse;
    }
  }

  private async fetch(options: ProcessOptions): Promise<SubgraphResponse> {
    const { query, variables } = options.request;
    const reps = variables?.representations;
    if (!this.batchEntities || !query || !Array.isArray(reps) || !query.includes('_entities')) return this.send(options);
    const { representations: _reps, ...rest } = variables!;
    // The planner names each fetch of a named operation apart (Op__users__1, __2, …) though
    // their selections match: the name is left out of what must be equal to merge.
    const key = `${query.replace(/^\s*query\s+\w+/, 'query')}\n${JSON.stringify(rest)}`;
    return this.batcher.fetch(options.context, key, reps, options);
  }

  /**
   * Stock's process (RemoteGraphQLDataSource's, APQ off as ours always is) without two objects
   * it builds on every call that nothing here reads: node-fetch Headers for the outgoing headers
   * and a node-fetch Request (URL and headers parsed again) made only to be handed to
   * didEncounterError. The body, the headers, the errors and the cache hint are stock's.
   */
  private async send(options: ProcessOptions): Promise<SubgraphResponse> {
    const { request, context } = options;
    const headers = new PlainHeaders();
    for (const [name, value] of request.http?.headers ?? []) headers.append(name, value);
    headers.set('content-type', 'application/json');
    request.http = { method: 'POST', url: this.url, headers: headers as unknown as NonNullable<typeof request.http>['headers'] };
    await this.willSendRequest(options);
    if (!request.query) throw new Error('Missing query');
    const { query, http, ...rest } = request;
    const init = { method: http.method, headers: headers.record(), body: JSON.stringify({ query, ...rest }) };
    let response: FetcherResponse | undefined;
    try {
      response = await this.fetcher(http.url, init);
      if (!response.ok) throw await this.errorFromResponse(response);
      const body = await this.parseBody(response);
      if (!isObject(body)) throw new Error(`Expected JSON response body, but received: ${body}`);
      restrictCachePolicy(options, response);
      return { ...body, http: response } as SubgraphResponse;
    } catch (error) {
      this.didEncounterError(error as Error, undefined as never, response, context, request);
      throw error;
    }
  }
}


export async function startGateway(config: GatewayConfig): Promise<ServiceHandle> {
  const log = createLogger('gateway', config.LOG_LEVEL);
  const production = config.NODE_ENV === 'production';
  const introspection = config.GATEWAY_INTROSPECTION;
  const overrides = parseUrlOverrides(config.SUBGRAPH_URLS);
  const subgraphUrls = new Map<string, string>();
  const subgraphNames = new Map<string, string>(); // url → name, for metrics and spans
  const dataSources: ServiceMap = {};
  const supergraphSdl = readFileSync(config.SUPERGRAPH_FILE, 'utf8');
  const fetcher = subgraphFetcher({
    dedupe: config.GATEWAY_DEDUPE_REQUESTS,
    timeoutMs: config.GATEWAY_SUBGRAPH_TIMEOUT_MS,
    subgraphOf: (url) => subgraphNames.get(url),
  });
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name, url }) => {
      const resolved = overrides[name] ?? url!;
      subgraphUrls.set(name, resolved);
      subgraphNames.set(resolved, name);
      return (dataSources[name] = new SubgraphDataSource(name, resolved, config.GATEWAY_BATCH_ENTITIES, log, fetcher));
    },
    logger: log,
  });
  // Level-by-level execution with merged entity fetches (execution/); off: stock's executor.
  if (config.GATEWAY_BATCH_ENTITIES) gateway.executor = new LevelExecutor(supergraphSdl, () => dataSources).execute;
  // APQ (shared store), GET caching and trusted documents (persisted-documents.ts); first, so
  // an unusable manifest stops the start before any connection is opened.
  const documents = setupPersistedDocuments(config, operationLimits(limitsFromConfig(config)).parseOptions, log);
  const revocations = openRevocations({ url: config.REDIS_URL, prefix: config.REDIS_PREFIX, log });
  const verifier = createTokenVerifier({
    revocations,
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    jwks: config.JWKS_URL,
  });

  const limits = operationLimits(limitsFromConfig(config));
  let liveStats = (): Record<string, number> => ({});
  const { app, server: httpServer } = createHttpService({
    service: 'gateway',
    ready: async () => {
      const checks = await Promise.all([...subgraphUrls].map(async ([name, url]) => [name, await reachable(url)] as const));
      const report = {
        supergraph: config.SUPERGRAPH_FILE,
        live: liveStats(),
        subgraphRequests: fetcher.stats(),
        persistedDocuments: documents.stats(),
        subgraphs: Object.fromEntries(checks.map(([name, ok]) => [name, ok ? 'up' : 'down'])),
      };
      const down = checks.filter(([, ok]) => !ok).map(([name]) => name);
      if (down.length) throw new NotReadyError(`subgraphs down: ${down.join(', ')}`, report);
      return report;
    },
  });
  const server = new ApolloServer<GatewayContext>({
    gateway,
    introspection,
    csrfPrevention: true,
    persistedQueries: documents.persistedQueries,
    // stopOnSignals (main.ts) owns SIGTERM/SIGINT. Apollo's own handler would stop the server
    // too and then re-send the signal, which stopOnSignals takes as a second one: exit code 1.
    stopOnTerminationSignals: false,
    formatError: withOperationLimitCodes(formatError(log, production)),
    // Tokens, aliases, directives, fields, root fields, root mutations and depth per
    // operation, refused before anything is planned or executed.
    parseOptions: limits.parseOptions,
    validationRules: limits.validationRules,
    // No "Did you mean …?" suggestions (schema details) in production error messages.
    hideSchemaDetailsFromClientErrors: production,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      // Apollo's landing page loads Sandbox from the internet; browsers get our IDE instead (ide/).
      ApolloServerPluginLandingPageDisabled(),
      graphqlMetricsPlugin('gateway'),
      operationResolutionPlugin(),
      inputHygienePlugin(),
      responseIntegrityPlugin(),
      ...documents.plugins,
      ...telemetryOff,
    ],
  });
  await server.start();

  // The public (API) schema as SDL, for schema consumers and code generators.
  const planner = new SubscriptionPlanner(supergraphSdl);
  const apiSdl = `${printSchema(planner.schema)}\n`;
  app.get('/graphql/schema.graphql', (_req, res) => {
    if (!introspection) return httpError(res, 404, 'NOT_FOUND', 'The schema is not published here (GATEWAY_INTROSPECTION=false).');
    res.type('text/plain; charset=utf-8').send(apiSdl);
  });

  // The IDE reads the schema by introspection: without it there is nothing to serve.
  if (config.GATEWAY_IDE && introspection) serveGraphqlIde(app, '/graphql');

  app.use(
    '/graphql',
    ...graphqlBody(),
    documents.middleware,
    apolloHandler(server, async ({ req }) => {
      const header = req.headers.authorization;
      const { viewer, token, authError } = await authenticate(header, verifier);
      // A refused header travels as it came, so the subgraph that needs a viewer refuses it
      // too, with the same reason (rather than seeing an anonymous caller).
      const authorization = token ? `Bearer ${token}` : authError && header ? header : undefined;
      return { viewer, authError, authorization };
    }, { trustTraceParent: config.GATEWAY_TRUST_TRACEPARENT }),
  );

  finishApp(app);

  // Subscriptions: graphql-ws on the same port and path (live/).
  const hub = new LiveHub(planner, new Upstreams(subgraphUrls, log), () => dataSources, log, config.GATEWAY_LIVE_BUFFER);
  const live = serveClientSockets({
    server: httpServer,
    hub,
    apollo: server,
    verifier,
    limits,
    log,
    recheckMs: config.GATEWAY_LIVE_RECHECK_MS,
    production,
    documents,
  });
  liveStats = () => ({ connections: live.connections(), ...hub.stats() });
  const unwatchLive = watchLive(liveStats);

  const boundPort = await listen(httpServer, config.GATEWAY_PORT, config.HOST);
  const url = `http://127.0.0.1:${boundPort}/graphql`;
  log.info({ url }, 'gateway ready');
  return {
    url,
    port: boundPort,
    // Sockets first (1001 to every client), then the upstream subscriptions, then HTTP.
    stop: () =>
      live
        .close()
        .finally(unwatchLive)
        .then(() => hub.close())
        .finally(() => server.stop().finally(() => Promise.all([revocations.close(), documents.close()]))),
  };
}

/** A subgraph is reachable when it answers `{ __typename }`. */
async function reachable(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
      signal: AbortSignal.timeout(2_000),
    });
    return res.ok;
  } catch {
    return false;
  }
}
