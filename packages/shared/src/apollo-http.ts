// Apollo Server on an express route, through Apollo's integration API (executeHTTPGraphQLRequest)
// as @as-integrations/express5 does, less two costs it pays on every request: express's
// res.send (freshness checks, content-length by Buffer conversion) and url.parse. The body is
// already parsed by graphqlBody() (http.ts); the answer is written with res.end.
import { HeaderMap, type ApolloServer, type BaseContext, type ContextFunction } from '@apollo/server';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { inServerSpan, tracingOn } from './tracing.ts';

export interface ApolloHandlerOptions {
  /**
   * Continue the caller's trace (traceparent) in this request's span: true for subgraphs (their
   * callers are ours); the gateway, the public door, starts its own (tracing.ts inServerSpan).
   */
  trustTraceParent?: boolean;
}

export function apolloHandler<C extends BaseContext>(
  server: ApolloServer<C>,
  context: ContextFunction<[{ req: Request; res: Response }], C>,
  { trustTraceParent = true }: ApolloHandlerOptions = {},
): RequestHandler {
  server.assertStarted('apolloHandler()');
  const handle = async (req: Request, res: Response, next: NextFunction) => {
    try {
      const headers = new HeaderMap();
      for (const [key, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
      }
      // req.url, not originalUrl: the same search, but middleware before this one may rewrite it
      // (the gateway's persisted documents turn a GET's documentId into Apollo's APQ extension).
      const query = req.url.indexOf('?');
      const response = await server.executeHTTPGraphQLRequest({
        httpGraphQLRequest: {
          method: req.method.toUpperCase(),
          headers,
          search: query === -1 ? '' : req.url.slice(query),
          body: req.body,
        },
        context: () => context({ req, res }),
      });
      for (const [key, value] of response.headers) res.setHeader(key, value);
      res.statusCode = response.status ?? 200;
      if (response.body.kind === 'complete') {
        // With its length, so no chunked framing: the string is measured here and encoded once,
        // straight into the socket's write (a Buffer first was one more copy of every answer).
        const body = response.body.string;
        res.setHeader('content-length', Buffer.byteLength(body, 'utf8'));
        res.end(body, 'utf8');
        return;
      }
      for await (const chunk of response.body.asyncIterator) res.write(chunk);
      res.end();
    } catch (err) {
      next(err);
    }
  };
  // A server span per request when tracing is on (tracing.ts); otherwise nothing in between.
  return (req, res, next) => (tracingOn() ? inServerSpan(req, res, '/graphql', trustTraceParent, () => handle(req, res, next)) : handle(req, res, next));
}
