// A subgraph's Subscription fields, served over graphql-ws to the gateway (the only client a
// subgraph has). The gateway subscribes once per shared stream and passes the viewer's token,
// when the stream is personal, in the subscribe message's `extensions.authorization`.
// Each event is executed with a fresh request context (fresh DataLoaders: counts are read anew
// per event, not cached for the life of the subscription) and carries the extensions the
// subscribe resolver attached (live-stream.ts LIVE_EXTENSIONS).
import type { Server } from 'node:http';
import {
  createSourceEventStream,
  execute,
  GraphQLError,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLSchema,
} from 'graphql';
import { authenticate, type TokenVerifier } from './auth.ts';
import { LIVE_EXTENSIONS, mapStream } from './live-stream.ts';
import { serveLive, type LiveSocketServer } from './live-socket.ts';
import type { Logger } from './logger.ts';
import type { operationLimits } from './operation-limits.ts';
import type { RequestContext } from './server.ts';

export interface SubgraphLiveOptions<C extends RequestContext> {
  server: Server;
  schema: GraphQLSchema;
  verifier: TokenVerifier;
  context: (base: RequestContext) => C | Promise<C>;
  limits: ReturnType<typeof operationLimits>;
  log: Logger;
  formatError: (error: GraphQLError) => GraphQLError;
}

interface LiveArgs extends ExecutionArgs {
  contextValue: { newContext: () => Promise<RequestContext> };
}

export function serveSubgraphLive<C extends RequestContext>(opts: SubgraphLiveOptions<C>): LiveSocketServer & { subscriptions(): number } {
  let active = 0;
  const format = (result: ExecutionResult): ExecutionResult =>
    result.errors ? { ...result, errors: result.errors.map((e) => opts.formatError(e)) } : result;

  const socket = serveLive(
    opts.server,
    '/graphql',
    {
      onSubscribe: async (_ctx, _id, payload) => {
        let document: DocumentNode;
        try {
          document = parse(payload.query, opts.limits.parseOptions);
        } catch (err) {
          return [err as GraphQLError];
        }
        const errors = validate(opts.schema, document, [...specifiedRules, ...opts.limits.validationRules]);
        if (errors.length) return [...errors];
        const authorization = payload.extensions?.authorization;
        const { viewer, authError, token } = await authenticate(typeof authorization === 'string' ? authorization : undefined, opts.verifier);
        const base: RequestContext = { viewer, authError, token: viewer ? token : undefined, log: opts.log };
        const args: LiveArgs = {
          schema: opts.schema,
          document,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue: { newContext: async () => opts.context(base) },
        };
        return args;
      },
      subscribe: (args) => subscribePerEvent(args as LiveArgs, () => active++, () => active--),
      execute: () => ({ errors: [new GraphQLError('Only subscriptions are served over WebSocket here; send queries over HTTP.')] }),
      onNext: (_ctx, _id, _payload, _args, result) => format(result),
      onError: (_ctx, _id, _payload, errors) => errors.map((e) => opts.formatError(e)),
    },
    opts.log,
  );
  return { ...socket, subscriptions: () => active };
}

/** graphql-js' subscribe, except that every event executes with a context of its own. */
async function subscribePerEvent(args: LiveArgs, opened: () => void, closed: () => void) {
  const stream = await createSourceEventStream({ ...args, contextValue: await args.contextValue.newContext() });
  if (!(Symbol.asyncIterator in stream)) return stream as ExecutionResult;
  opened();
  let open = true;
  const close = () => {
    if (open) closed();
    open = false;
  };
  const events = mapStream(stream as unknown as AsyncIterator<Record<PropertyKey, unknown>>, async (payload) => {
    const result = await execute({ ...args, rootValue: payload, contextValue: await args.contextValue.newContext() });
    const extensions = payload[LIVE_EXTENSIONS] as Record<string, unknown> | undefined;
    return extensions ? { ...result, extensions: { ...result.extensions, ...extensions } } : result;
  });
  let failed = false;
  return {
    async next(): Promise<IteratorResult<ExecutionResult>> {
      if (failed) return { value: undefined, done: true };
      try {
        const r = await events.next();
        if (r.done) close();
        return r;
      } catch (err) {
        // The stream broke (its pub/sub failed, the consumer fell behind): this subscription
        // ends with an error, the others on the socket go on.
        close();
        failed = true;
        const error = err instanceof GraphQLError ? err : new GraphQLError((err as Error).message, { extensions: { code: 'SERVICE_UNAVAILABLE' } });
        return { value: { errors: [error] }, done: false };
      }
    },
    return: () => (close(), events.return!()),
    throw: (err: unknown) => (close(), events.throw!(err)),
    [Symbol.asyncIterator]() {
      return this;
    },
  } as AsyncIterableIterator<ExecutionResult>;
}
