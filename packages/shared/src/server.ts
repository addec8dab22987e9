// One way to run a subgraph: Apollo Server behind the shared HTTP service (http.ts: /health,
// /ready, JSON refusals, keep-alive, loopback by default), with CSRF prevention, the gateway's
// operation limits and input hygiene (a subgraph reached directly is no side door), no Apollo
// telemetry, token verification in context, masked internal errors in production, and
// graceful shutdown.
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginUsageReportingDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginSchemaReportingDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { Express } from 'express';
import { GraphQLError, type DocumentNode, type GraphQLFormattedError } from 'graphql';
import { apolloHandler } from './apollo-http.ts';
import { authenticate, type TokenVerifier, type Viewer } from './auth.ts';
import { loadConfig } from './config.ts';
import { forbidden, unauthenticated } from './errors.ts';
import { bindHost, createHttpService, finishApp, graphqlBody, listen } from './http.ts';
import { inputHygienePlugin } from './input-hygiene.ts';
import { serveSubgraphLive } from './live-subgraph.ts';
import type { Logger } from './logger.ts';
import { graphqlMetricsPlugin } from './metrics.ts';
import {
  limitsFromConfig,
  operationLimits,
  operationLimitsShape,
  subgraphLimits,
  withOperationLimitCodes,
  type OperationLimits,
} from './operation-limits.ts';

export { listen } from './http.ts';

export interface RequestContext {
  viewer: Viewer | null;
  /** Why the request's token was not accepted (see authenticate()); thrown by requireViewer. */
  authError?: GraphQLError;
  /** The caller's verified bearer token, to call another subgraph as them (subgraph-client.ts). */
  token?: string;
  log: Logger;
}

/** The signed-in caller, or the reason there is none (no token, or the token's own problem). */
export function requireViewer(ctx: RequestContext): Viewer {
  if (ctx.authError) throw ctx.authError;
  if (!ctx.viewer) throw unauthenticated();
  return ctx.viewer;
}

/** A signed-in member of staff (role claim STAFF), or FORBIDDEN. */
export function requireStaff(ctx: RequestContext): Viewer {
  const viewer = requireViewer(ctx);
  if (viewer.role !== 'STAFF') throw forbidden('Only staff may do that.');
  return viewer;
}

/** The caller when there is one; a bad token still fails (it is never taken as "anonymous"). */
export function optionalViewer(ctx: RequestContext): Viewer | null {
  if (ctx.authError) throw ctx.authError;
  return ctx.viewer;
}

export interface ServiceHandle {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export interface SubgraphOptions<C extends RequestContext> {
  name: string;
  typeDefs: DocumentNode;
  resolvers: unknown;
  port: number;
  /** Default: HOST, else 127.0.0.1 — only the gateway (and health probes) need to reach a subgraph. */
  host?: string;
  log: Logger;
  verifier: TokenVerifier;
  /** Per-request context (DataLoaders live here, one set per request). */
  context: (base: RequestContext) => C | Promise<C>;
  /** Extra HTTP routes (e.g. the JWKS document), mounted before /graphql. */
  routes?: (app: Express) => void;
  /** Readiness probe: throws when a dependency is unreachable. */
  ready?: () => Promise<void>;
  introspection?: boolean;
  /** Called after the HTTP server stops, to close the subgraph's own connections. */
  onStop?: () => Promise<void>;
  /** Default: the gateway's limits (GATEWAY_MAX_* in this process's environment), with room for query planning. */
  limits?: OperationLimits;
}

export function formatError(log: Logger, production: boolean) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code;
    if (code === 'INTERNAL_SERVER_ERROR' || code === undefined) {
      log.error({ err: error }, 'unexpected error');
      // Nothing of the cause: no message (SQL, hosts), stack, locations or path.
      if (production) return { message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } };
    }
    return formatted;
  };
}

/** formatError for errors that are GraphQLError objects (graphql-ws) rather than formatted ones. */
function liveErrorFormatter(log: Logger, production: boolean) {
  const format = formatError(log, production);
  return (error: GraphQLError): GraphQLError => {
    const json = error.toJSON();
    const formatted = format(json, error);
    return formatted === json ? error : new GraphQLError(formatted.message, { extensions: formatted.extensions });
  };
}

export const telemetryOff: ApolloServerPlugin[] = [
  ApolloServerPluginUsageReportingDisabled(),
  ApolloServerPluginSchemaReportingDisabled(),
];

export async function startSubgraph<C extends RequestContext>(opts: SubgraphOptions<C>): Promise<ServiceHandle> {
  const production = process.env.NODE_ENV === 'production';
  const limits = operationLimits(opts.limits ?? subgraphLimits(limitsFromConfig(loadConfig(operationLimitsShape, process.env))));
  const { app, server: httpServer } = createHttpService({
    service: opts.name,
    ready: async () => {
      await opts.ready?.();
    },
  });
  const schema = buildSubgraphSchema({ typeDefs: opts.typeDefs, resolvers: opts.resolvers as never });
  const server = new ApolloServer<C>({
    schema,
    introspection: opts.introspection ?? !production,
    csrfPrevention: true,
    // No "Did you mean …?" schema hints in production errors, as at the gateway.
    hideSchemaDetailsFromClientErrors: production,
    // stopOnSignals (main.ts) owns SIGTERM/SIGINT. Apollo's own handler would stop the server
    // too and then re-send the signal, which stopOnSignals takes as a second one: exit code 1.
    stopOnTerminationSignals: false,
    formatError: withOperationLimitCodes(formatError(opts.log, production)),
    parseOptions: limits.parseOptions,
    validationRules: limits.validationRules,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      graphqlMetricsPlugin(opts.name),
      inputHygienePlugin(),
      ApolloServerPluginInlineTraceDisabled(),
      ...telemetryOff,
    ],
  });
  await server.start();

  opts.routes?.(app);
  app.use(
    '/graphql',
    ...graphqlBody(),
    apolloHandler(server, async ({ req }) => {
      const { viewer, authError, token } = await authenticate(req.headers.authorization, opts.verifier);
      return opts.context({ viewer, authError, token: viewer ? token : undefined, log: opts.log });
    }),
  );

  finishApp(app);

  // Subscription fields, if the subgraph has any: graphql-ws on the same port and path.
  const live = schema.getSubscriptionType()
    ? serveSubgraphLive({
        server: httpServer,
        schema,
        verifier: opts.verifier,
        context: opts.context,
        limits,
        log: opts.log,
        formatError: liveErrorFormatter(opts.log, production),
      })
    : undefined;

  const port = await listen(httpServer, opts.port, opts.host ?? bindHost());
  const url = `http://127.0.0.1:${port}/graphql`;
  opts.log.info({ url }, `${opts.name} subgraph ready`);
  return {
    url,
    port,
    async stop() {
      await live?.close();
      await server.stop();
      await opts.onStop?.();
    },
  };
}

/**
 * Stops the given services on SIGTERM/SIGINT, then `last` (observability.ts: the spans of the
 * last requests are exported, the metrics port closed), then exits; a second signal exits at once.
 */
export function stopOnSignals(log: Logger, handles: Array<{ stop(): Promise<void> }>, last?: { stop(): Promise<void> }): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    log.info({ signal }, 'shutting down');
    const results = await Promise.allSettled(handles.map((h) => h.stop()));
    for (const r of results) if (r.status === 'rejected') log.error({ err: r.reason }, 'stop failed');
    await last?.stop().catch((err: unknown) => log.error({ err }, 'stop failed'));
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}
