// Stock @apollo/gateway for comparison: ApolloGateway + RemoteGraphQLDataSource + Apollo
// Server's standalone HTTP server, configured the way Apollo's docs show, forwarding the
// caller's Authorization header (the subgraphs verify it). None of ours: no entity merging or
// deduplication, no JWT check or revocation lookup at the door, no operation limits, no
// response-integrity or input-hygiene plugins. bench/feed runs it in process;
// stock-gateway-main.ts runs it as a process of its own (bench/gateway's small-queries section).
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';

interface Ctx {
  authorization?: string;
}

/** Listens on `listen.port` (default: any free port) of `listen.host` (default: loopback). */
export async function startStockGateway(
  supergraphSdl: string,
  urls: Record<string, string>,
  listen: { port?: number; host?: string } = {},
): Promise<{ url: string; stop: () => Promise<void> }> {
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name, url }) => new RemoteGraphQLDataSource<Ctx>({
      url: urls[name] ?? url,
      willSendRequest({ request, context }) {
        if (context.authorization) request.http?.headers.set('authorization', context.authorization);
      },
    }),
  });
  const server = new ApolloServer<Ctx>({ gateway });
  const { url } = await startStandaloneServer(server, {
    listen: { port: listen.port ?? 0, host: listen.host ?? '127.0.0.1' },
    context: async ({ req }) => ({ authorization: req.headers.authorization }),
  });
  return { url, stop: () => server.stop() };
}
