// Stock @apollo/gateway for comparison: ApolloGateway + RemoteGraphQLDataSource + Apollo
// Server's standalone HTTP server, configured the way Apollo's docs show, forwarding the
// caller's Authorization header (the subgraphs verify it). None of ours: no entity merging or
// deduplication, no JWT check or revocation lookup at the door, no operation limits, no
// response-integrity or input-hygiene plugins.
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';

interface Ctx {
  authorization?: string;
}

export async function startStockGateway(supergraphSdl: string, urls: Record<string, string>): Promise<{ url: string; stop: () => Promise<void> }> {
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
    listen: { port: 0, host: '127.0.0.1' },
    context: async ({ req }) => ({ authorization: req.headers.authorization }),
  });
  return { url, stop: () => server.stop() };
}
