// Clients' graphql-ws at the gateway's /graphql (DESIGN.md, Subscriptions): who is connected,
// their token and its expiry, the per-user and per-connection limits, and slow consumers.
// - connection_init `{ authorization: "Bearer …" }` is verified like an HTTP request's header
//   (signature, expiry, revocation). Bad or revoked → close 4403 with the reason; expired →
//   4401. No token → anonymous.
// - The token is checked again every LIVE_RECHECK_MS (a logout or account deletion ends the
//   connection, 4403) and the connection closes with 4401 when it expires, unless the client
//   sent a fresh one first: a `ping` whose payload is `{ authorization: "Bearer …" }` (same user).
// - Queries and mutations sent over the socket run through the same Apollo Server as HTTP.
import type { ApolloServer } from '@apollo/server';
import { GraphQLError, parse, specifiedRules, validate, type DocumentNode, type ExecutionResult, type GraphQLFormattedError } from 'graphql';
import type { Server } from 'node:http';
import { authenticate, type TokenVerifier, type Viewer } from '@fffoto/shared/auth';
import { CLOSE, connectionAuthorization, serveLive, type LiveExtra, type LiveSocketServer } from '@fffoto/shared/live-socket';
import type { Logger } from '@fffoto/shared/logger';
import { withOperationLimitCodes, type operationLimits } from '@fffoto/shared/operation-limits';
import type { GatewayContext } from '../app.ts';
import type { PersistedDocuments } from '../persisted-documents.ts';
import type { LiveHub, LiveSubscriber } from './hub.ts';

export const MAX_SUBSCRIPTIONS_PER_CONNECTION = 50;
export const MAX_CONNECTIONS_PER_USER = 20;
const CLOSE_GRACE_MS = 10_000;

export interface ClientSocketOptions {
  server: Server;
  hub: LiveHub;
  apollo: ApolloServer<GatewayContext>;
  verifier: TokenVerifier;
  limits: ReturnType<typeof operationLimits>;
  log: Logger;
  /** How often a connection's token is verified again (revocation). */
  recheckMs: number;
  production: boolean;
  /** Trusted documents and manifest hashes (persisted-documents.ts): what a subscribe may run. */
  documents?: Pick<PersistedDocuments, 'admitLive'>;
}

interface Connection {
  viewer: Viewer | null;
  token?: string;
  expiry?: NodeJS.Timeout;
  recheck?: NodeJS.Timeout;
  closed: boolean;
  /** Holds one of its user's MAX_CONNECTIONS_PER_USER slots. */
  counted: boolean;
}

interface LiveArgs {
  document: DocumentNode;
  text: string;
  operationName?: string | null;
  variables: Record<string, unknown>;
  connection: Connection;
  subscriber: LiveSubscriber;
}

export function serveClientSockets(opts: ClientSocketOptions): LiveSocketServer & { connectionsOf(userId: string): number } {
  const connections = new WeakMap<object, Connection>();
  const perUser = new Map<string, number>();
  const close = (extra: LiveExtra, code: number, reason: string) => {
    const conn = connections.get(extra);
    if (conn) conn.closed = true;
    extra.socket.close(code, reason.slice(0, 120));
    // A client that does not answer the close frame (one that stopped reading) is cut after a
    // grace long enough for a slow but live one to drain what was sent and read the code.
    setTimeout(() => extra.socket.terminate(), CLOSE_GRACE_MS).unref();
  };

  /** Verifies a token for this connection; closes it and returns null when refused. */
  const verify = async (extra: LiveExtra, authorization: string): Promise<{ viewer: Viewer; token: string } | null> => {
    const { viewer, token, authError } = await authenticate(authorization, opts.verifier);
    if (viewer && token) return { viewer, token };
    const reason = authError?.extensions?.reason;
    const code = authError?.extensions?.code;
    if (code === 'SERVICE_UNAVAILABLE') close(extra, CLOSE.slowConsumer, 'token check unavailable; try again shortly');
    else if (reason === 'expired') close(extra, CLOSE.tokenExpired, 'token expired; connect again with a fresh one');
    else close(extra, CLOSE.forbidden, authError?.message ?? 'bad token');
    return null;
  };

  const arm = (extra: LiveExtra, conn: Connection) => {
    clearTimeout(conn.expiry);
    clearInterval(conn.recheck);
    if (!conn.viewer) return;
    const left = (conn.viewer.expiresAt ?? Infinity) - Date.now();
    if (Number.isFinite(left)) conn.expiry = setTimeout(() => close(extra, CLOSE.tokenExpired, 'token expired; send a fresh one'), Math.max(0, left));
    conn.recheck = setInterval(() => {
      if (conn.token && !conn.closed) void verify(extra, `Bearer ${conn.token}`).catch(() => undefined);
    }, opts.recheckMs);
    conn.expiry?.unref();
    conn.recheck.unref();
  };

  const socket = serveLive<Record<string, unknown>>(
    opts.server,
    '/graphql',
    {
      onConnect: async (ctx) => {
        // Registered before the token check: a socket that closes meanwhile is marked closed
        // here (onClose) and then takes no slot and arms no timer.
        const conn: Connection = { viewer: null, closed: false, counted: false };
        connections.set(ctx.extra, conn);
        const authorization = connectionAuthorization(ctx.connectionParams);
        if (authorization) {
          const verified = await verify(ctx.extra, authorization);
          if (!verified || conn.closed) return false;
          const count = perUser.get(verified.viewer.id) ?? 0;
          if (count >= MAX_CONNECTIONS_PER_USER) {
            close(ctx.extra, CLOSE.tooMany, `too many connections: at most ${MAX_CONNECTIONS_PER_USER} per user`);
            return false;
          }
          perUser.set(verified.viewer.id, count + 1);
          conn.counted = true;
          Object.assign(conn, verified);
        }
        arm(ctx.extra, conn);
        return true;
      },
      onPing: async (ctx, payload) => {
        const conn = connections.get(ctx.extra);
        const authorization = connectionAuthorization(payload as Record<string, unknown> | undefined);
        if (!conn || !authorization) return;
        const verified = await verify(ctx.extra, authorization);
        if (!verified) return;
        if (conn.viewer && verified.viewer.id !== conn.viewer.id) {
          close(ctx.extra, CLOSE.forbidden, 'a fresh token must be for the same user');
          return;
        }
        if (!conn.viewer) {
          close(ctx.extra, CLOSE.badRequest, 'sign in by connecting again with the token in connection_init');
          return;
        }
        Object.assign(conn, verified);
        arm(ctx.extra, conn);
      },
      onSubscribe: (ctx, _id, payload) => {
        const conn = connections.get(ctx.extra);
        if (!conn) return [new GraphQLError('Not connected.')];
        // graphql-ws' own table, this subscribe included: a `complete` removes its entry as it
        // arrives, before the stream has ended.
        if (Object.keys(ctx.subscriptions).length > MAX_SUBSCRIPTIONS_PER_CONNECTION) {
          close(ctx.extra, CLOSE.tooMany, `too many subscriptions: at most ${MAX_SUBSCRIPTIONS_PER_CONNECTION} per connection`);
          return [new GraphQLError('Too many subscriptions.')];
        }
        // The same rule as HTTP: in production with trusted documents, only the manifest's.
        const admitted = opts.documents?.admitLive(payload) ?? { query: payload.query };
        if (admitted instanceof GraphQLError) return [admitted];
        let document: DocumentNode;
        try {
          document = parse(admitted.query, opts.limits.parseOptions);
        } catch (err) {
          return [withCode(err as GraphQLError, 'GRAPHQL_PARSE_FAILED')];
        }
        const errors = validate(opts.hub.planner.schema, document, [...specifiedRules, ...opts.limits.validationRules]);
        if (errors.length) return errors.map(validationError);
        const subscriber: LiveSubscriber = {
          viewerId: conn.viewer?.id ?? null,
          authorization: () => (conn.token ? `Bearer ${conn.token}` : undefined),
          overflowed: () => close(ctx.extra, CLOSE.slowConsumer, 'too many undelivered events; reconnect'),
        };
        const live: LiveArgs = {
          document,
          text: admitted.query,
          operationName: payload.operationName,
          variables: payload.variables ?? {},
          connection: conn,
          subscriber,
        };
        return { schema: opts.hub.planner.schema, document, variableValues: live.variables, operationName: payload.operationName, contextValue: live };
      },
      subscribe: async (args) => {
        const live = args.contextValue as LiveArgs;
        return opts.hub.subscribe(live);
      },
      // Queries and mutations over the socket: the same server, limits and plugins as HTTP.
      execute: async (args) => {
        const live = args.contextValue as LiveArgs;
        const response = await opts.apollo.executeOperation(
          { query: live.text, variables: live.variables, operationName: live.operationName ?? undefined },
          { contextValue: { viewer: live.connection.viewer, authorization: live.subscriber.authorization() } },
        );
        if (response.body.kind !== 'single') return { errors: [new GraphQLError('Incremental delivery is not served over WebSocket.')] };
        // Apollo's result is already formatted (plain objects); graphql-ws serialises GraphQLErrors.
        const { errors, ...rest } = response.body.singleResult;
        return { ...rest, ...(errors ? { errors: errors.map(fromFormatted) } : {}) } as ExecutionResult;
      },
      onNext: (_ctx, _id, _payload, _args, result) => clientResult(result, opts.production),
      onError: (_ctx, _id, _payload, errors) => errors.map((e) => clientError(e, opts.production)),
      onClose: (ctx) => {
        const conn = connections.get(ctx.extra);
        if (!conn) return;
        conn.closed = true;
        clearTimeout(conn.expiry);
        clearInterval(conn.recheck);
        if (conn.viewer && conn.counted) {
          conn.counted = false;
          const left = (perUser.get(conn.viewer.id) ?? 1) - 1;
          if (left > 0) perUser.set(conn.viewer.id, left);
          else perUser.delete(conn.viewer.id);
        }
      },
    },
    opts.log,
  );
  return { ...socket, connectionsOf: (userId) => perUser.get(userId) ?? 0 };
}

function fromFormatted(e: GraphQLFormattedError): GraphQLError {
  const error = new GraphQLError(e.message, { path: e.path, extensions: e.extensions });
  if (e.locations) Object.assign(error, { locations: e.locations });
  return error;
}

/**
 * What a client may see of an error: never the HTTP status meant for Apollo's transport, and in
 * production no "Did you mean …?" schema hints (HTTP hides them too: hideSchemaDetailsFromClientErrors).
 */
function clientError(error: GraphQLError, production: boolean): GraphQLError {
  const { http: _http, ...extensions } = error.extensions ?? {};
  const message = production ? error.message.replace(/ Did you mean(.+?)\?$/, '') : error.message;
  if (message === error.message && !_http) return error;
  const clean = new GraphQLError(message, { path: error.path, extensions });
  if (error.locations) Object.assign(clean, { locations: error.locations });
  return clean;
}

function clientResult(result: ExecutionResult, production: boolean): ExecutionResult {
  return result.errors ? { ...result, errors: result.errors.map((e) => clientError(e as GraphQLError, production)) } : result;
}

const limitCodes = withOperationLimitCodes((formatted) => formatted);

/** A validation error as HTTP answers it: a refused operation limit is BAD_USER_INPUT with `limit`. */
function validationError(error: GraphQLError): GraphQLError {
  const wrapped = new GraphQLError(error.message, { originalError: error, extensions: { ...error.extensions, code: 'GRAPHQL_VALIDATION_FAILED' } });
  const { message, extensions } = limitCodes(wrapped.toJSON(), wrapped);
  return new GraphQLError(message, { nodes: error.nodes, source: error.source, positions: error.positions, extensions });
}

function withCode(error: GraphQLError, code: string): GraphQLError {
  return new GraphQLError(error.message, { nodes: error.nodes, source: error.source, positions: error.positions, extensions: { ...error.extensions, code } });
}
