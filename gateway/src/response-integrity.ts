// What the gateway answers must say why something is missing, and say it with the right status:
// - @apollo/gateway reports a subgraph's null for a non-null field (e.g. the owner of a loop
//   whose account was deleted) only in `extensions.valueCompletion`, leaving `data: null` or a
//   null loop with no error. Those entries become errors with their path and NOT_FOUND.
// - When no root field could be answered, the status follows the reason: 503 (with
//   Retry-After) for SERVICE_UNAVAILABLE, 401 for UNAUTHENTICATED when the request's token is
//   bad. A response with some data stays 200, as GraphQL partial results are.
import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import type { GatewayContext } from './app.ts';

interface CompletionError {
  message: string;
  path?: ReadonlyArray<string | number>;
}

/** Moves `extensions.valueCompletion` entries into `errors` (NOT_FOUND, with their paths). */
export function withCompletionErrors(result: { errors?: ReadonlyArray<GraphQLFormattedError>; extensions?: Record<string, unknown> }): void {
  const completion = result.extensions?.valueCompletion as CompletionError[] | undefined;
  if (!completion?.length) return;
  const added: GraphQLFormattedError[] = completion.map((e) => ({
    message: `${e.message} The object it refers to was not found (it may have been deleted).`,
    ...(e.path ? { path: [...e.path] } : {}),
    extensions: { code: 'NOT_FOUND' },
  }));
  result.errors = [...(result.errors ?? []), ...added];
  const { valueCompletion: _gone, ...rest } = result.extensions!;
  result.extensions = Object.keys(rest).length ? rest : undefined;
}

export function responseIntegrityPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          withCompletionErrors(result);

          const errors = result.errors ?? [];
          const data = result.data as Record<string, unknown> | null | undefined;
          const nothingAnswered = !data || Object.values(data).every((v) => v === null);
          if (!errors.length || !nothingAnswered || (response.http.status ?? 200) >= 400) return;
          const unavailable = errors.find((e) => e.extensions?.code === 'SERVICE_UNAVAILABLE');
          if (unavailable) {
            response.http.status = 503;
            response.http.headers.set('retry-after', String(unavailable.extensions?.retryAfterSeconds ?? 5));
          } else if (contextValue.authError && errors.some((e) => e.extensions?.code === 'UNAUTHENTICATED')) {
            response.http.status = 401;
          }
        },
      };
    },
  };
}
