// Operation limits at the gateway over real HTTP (root fields, root mutations, depth,
// introspection depth), and no schema hints in production error messages.
import { composeServices } from '@apollo/composition';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { getIntrospectionQuery, parse, type GraphQLFormattedError } from 'graphql';
import { exportPKCS8, generateKeyPair } from 'jose';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceHandle } from '@fffoto/shared/server';
import { errorCode, graphqlClient, ok, type GqlResponse } from '../../tests/support/client.ts';
import { serviceEnv, startGatewayService } from '../../tests/support/gateway-services.ts';
import { startStack, type Stack } from '../../tests/support/stack.ts';
import { liveClient } from '../../tests/support/live-client.ts';

const run = Date.now().toString(36);
type Gql = ReturnType<typeof graphqlClient>;

const userFields = (n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => `u${from + i}: user(handle: "nobody_${run}") { id }`).join('\n');
const logIns = (n: number, login: string) =>
  Array.from({ length: n }, (_, i) => `l${i}: logIn(input: { login: "${login}", password: "guess ${i} guess" }) { accessToken }`).join('\n');
/** `{ node { child { child … id } } }`, `levels` deep in all (node = 1, id = levels). */
const nested = (levels: number) => `{ node { ${'child { '.repeat(levels - 2)}id${' }'.repeat(levels - 2)} } }`;

function expectRefused(res: GqlResponse<unknown>, limit: string, max: number): void {
  expect(errorCode(res), JSON.stringify(res.errors)).toBe('BAD_USER_INPUT');
  expect(res.status).toBe(400);
  expect(res.data ?? null).toBeNull();
  expect(res.errors).toHaveLength(1);
  expect(res.errors![0]!.extensions).toMatchObject({ limit, max });
  expect(res.errors![0]!.message).toContain(`at most ${max}`);
}

describe('default limits (50 root fields, 5 root mutations, depth 12)', () => {
  let stack: Stack;
  let gql: Gql;
  beforeAll(async () => {
    stack = await startStack({ env: { NODE_ENV: 'development' } });
    gql = graphqlClient(stack.gatewayUrl);
  });
  afterAll(() => stack?.stop());

  it('accepts 50 aliased root query fields and refuses 51', async () => {
    const fifty = ok(await gql<Record<string, unknown>, never>(`{\n${userFields(50)}\n}`));
    expect(Object.keys(fifty)).toHaveLength(50);
    const before = stack.statements.length;
    expectRefused(await gql(`{\n${userFields(51)}\n}`), 'ROOT_FIELDS', 50);
    expect(stack.statements.length).toBe(before);
  });

  it('counts root fields that fragments (named and inline) put on the root type', async () => {
    const fragments = (a: number, b: number) =>
      `query Q { ...F ... on Query { ${userFields(b, a)} } }\nfragment F on Query { ${userFields(a)} }`;
    ok(await gql(fragments(25, 25)));
    expectRefused(await gql(fragments(30, 21)), 'ROOT_FIELDS', 50);
    // A fragment spread twice counts twice.
    expectRefused(await gql(`{ ...F ...F }\nfragment F on Query { ${userFields(26)} }`), 'ROOT_FIELDS', 50);
  });

  it('accepts 5 root mutation fields and refuses 6 (also through a fragment on Mutation), before any runs', async () => {
    // Five run (serially: the first failure, on a non-null field, ends the rest).
    expect(errorCode(await gql(`mutation {\n${logIns(5, `nobody_${run}`)}\n}`))).toBe('UNAUTHENTICATED');
    const before = stack.statements.length;
    expectRefused(await gql(`mutation {\n${logIns(6, `nobody_${run}`)}\n}`), 'ROOT_MUTATIONS', 5);
    expectRefused(await gql(`mutation { ...M }\nfragment M on Mutation { ${logIns(6, `nobody_${run}`)} }`), 'ROOT_MUTATIONS', 5);
    expect(stack.statements.length).toBe(before);
  });

  it('the standard introspection query passes (its `ofType` chains add no depth)', async () => {
    expect(ok(await gql<{ __schema: { types: unknown[] } }, never>(getIntrospectionQuery())).__schema.types.length).toBeGreaterThan(0);
  });

  it('the standard introspection query with every option on passes the introspection depth limit', async () => {
    // All but two the gateway's planner (federation-internals' own introspection types) does not
    // know, limits or not: `oneOf` (__Type.isOneOf) and experimentalDirectiveDeprecation
    // (__Directive.isDeprecated) answer INVALID_GRAPHQL.
    const query = getIntrospectionQuery({
      descriptions: true,
      specifiedByUrl: true,
      directiveIsRepeatable: true,
      schemaDescription: true,
      inputValueDeprecation: true,
    });
    const { __schema } = ok(await gql<{ __schema: { types: Array<{ name: string; description: string | null }> } }, never>(query));
    expect(__schema.types.find((t) => t.name === 'User')?.description).toBeTruthy();
  });

  it('refuses introspection nesting fields/interfaces/possibleTypes/inputFields 3 deep (2 pass)', async () => {
    const lists = (n: number) => `${'fields { type { '.repeat(n)}name${' } }'.repeat(n)}`;
    ok(await gql(`{ __schema { types { ${lists(2)} } } }`));
    expectRefused(await gql(`{ __schema { types { ${lists(3)} } } }`), 'INTROSPECTION_DEPTH', 2);
    expectRefused(await gql(`{ __type(name: "User") { ${lists(3)} } }`), 'INTROSPECTION_DEPTH', 2);
    // Through fragments and the other lists too.
    expectRefused(await gql(`{ __type(name: "Query") { ...F } }
      fragment F on __Type { fields { type { interfaces { possibleTypes { name } } } } }`), 'INTROSPECTION_DEPTH', 2);
  });

  it('refuses a second __schema or a sixth __type at the root (aliases and fragments count): no amplification', async () => {
    const walk = 'types { name fields { name } }';
    ok(await gql(`{ __schema { ${walk} } a: __type(name: "User") { name } b: __type(name: "Loop") { name } }`));
    expectRefused(await gql(`{ a: __schema { ${walk} } b: __schema { ${walk} } }`), 'INTROSPECTION_FIELDS', 1);
    expectRefused(await gql(`{ __schema { ${walk} } ...F } fragment F on Query { again: __schema { ${walk} } }`), 'INTROSPECTION_FIELDS', 1);
    const types = (n: number) => Array.from({ length: n }, (_, i) => `t${i}: __type(name: "User") { name }`).join(' ');
    ok(await gql(`{ ${types(5)} }`));
    expectRefused(await gql(`{ ${types(6)} }`), 'INTROSPECTION_FIELDS', 5);
  });

  it('over the WebSocket too: a refused limit is BAD_USER_INPUT with `limit`, as over HTTP', async () => {
    const live = liveClient(stack.gatewayUrl);
    try {
      const deep = live.subscribe(`{ __schema { types { ${'fields { type { '.repeat(3)}name${' } }'.repeat(3)} } } }`);
      const wide = live.subscribe(`{ a: __schema { types { name } } b: __schema { types { name } } }`);
      await expect.poll(() => deep.error && wide.error, { timeout: 5_000 }).toBeTruthy();
      expect((deep.error as GraphQLFormattedError[])[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', limit: 'INTROSPECTION_DEPTH', max: 2 });
      expect((wide.error as GraphQLFormattedError[])[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', limit: 'INTROSPECTION_FIELDS', max: 1 });
    } finally {
      await live.dispose();
    }
  });

  it('in development, a misspelled field gets a suggestion (the control case for production)', async () => {
    const res = await gql(`{ usr(handle: "x") { id } }`);
    expect(errorCode(res)).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(res.errors![0]!.message).toContain('Did you mean');
  });
});

// Today's schema is shallow (a User has no lists of users yet), so the default depth is shown
// on a supergraph of its own: one subgraph with a type that nests without end.
describe('depth, on a supergraph with a recursive type', () => {
  let subgraph: ApolloServer;
  let gateway: ServiceHandle;
  let dir: string;
  let gql: Gql;
  let resolved = 0;

  beforeAll(async () => {
    const typeDefs = parse(`
      extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
      type Query { node: Node }
      type Node { id: ID! child: Node }`);
    const node = (depth: number) => ({ id: String(depth), depth });
    subgraph = new ApolloServer({
      schema: buildSubgraphSchema({
        typeDefs,
        resolvers: {
          Query: { node: () => (resolved++, node(1)) },
          Node: { child: (parent: { depth: number }) => node(parent.depth + 1) },
        },
      }),
    });
    const { url } = await startStandaloneServer(subgraph, { listen: { port: 0, host: '127.0.0.1' } });
    const composed = composeServices([{ name: 'nodes', url, typeDefs }]);
    if (composed.errors) throw new Error(composed.errors.map((e) => e.message).join('\n'));
    dir = mkdtempSync(path.join(tmpdir(), 'fffoto-limits-sg-'));
    const file = path.join(dir, 'supergraph.graphql');
    writeFileSync(file, composed.supergraphSdl);
    gateway = await startGatewayService(serviceEnv(), file, { nodes: url });
    gql = graphqlClient(gateway.url);
  });
  afterAll(async () => {
    await gateway?.stop();
    await subgraph?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('accepts 12 levels and refuses 13 (GATEWAY_MAX_DEPTH default), before anything runs', async () => {
    const twelve = ok(await gql<{ node: unknown }, never>(nested(12)));
    expect(JSON.stringify(twelve)).toContain('"id":"11"');
    const before = resolved;
    expectRefused(await gql(nested(13)), 'DEPTH', 12);
    expect(resolved).toBe(before);
  });

  it('follows fragments (named and inline), counting each level once', async () => {
    // node, child, child (3 levels), then B: n × child and id.
    const viaFragments = (n: number) => `{ node { ...A } }
      fragment A on Node { child { ... on Node { child { ...B } } } }
      fragment B on Node { ${'child { '.repeat(n)}id${' }'.repeat(n)} }`;
    ok(await gql(viaFragments(8)));
    expectRefused(await gql(viaFragments(9)), 'DEPTH', 12);
  });
});

describe('configured limits', () => {
  let stack: Stack;
  let gql: Gql;
  beforeAll(async () => {
    stack = await startStack({ env: { GATEWAY_MAX_ROOT_FIELDS: '3', GATEWAY_MAX_ROOT_MUTATIONS: '1', GATEWAY_MAX_DEPTH: '2' } });
    gql = graphqlClient(stack.gatewayUrl);
  });
  afterAll(() => stack?.stop());

  it('GATEWAY_MAX_ROOT_FIELDS, GATEWAY_MAX_ROOT_MUTATIONS and GATEWAY_MAX_DEPTH set the limits', async () => {
    ok(await gql(`{\n${userFields(3)}\n}`));
    expectRefused(await gql(`{\n${userFields(4)}\n}`), 'ROOT_FIELDS', 3);
    expect(errorCode(await gql(`mutation {\n${logIns(1, `nobody_${run}`)}\n}`))).toBe('UNAUTHENTICATED');
    expectRefused(await gql(`mutation {\n${logIns(2, `nobody_${run}`)}\n}`), 'ROOT_MUTATIONS', 1);
    ok(await gql(`{ user(handle: "nobody_${run}") { id } }`));
    expectRefused(await gql(`{ __type(name: "User") { fields { name } } }`), 'DEPTH', 2);
  });
});

describe('NODE_ENV=production', () => {
  let stack: Stack;
  let gql: Gql;
  beforeAll(async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    stack = await startStack({ env: { NODE_ENV: 'production', JWT_PRIVATE_KEY: await exportPKCS8(privateKey) } });
    gql = graphqlClient(stack.gatewayUrl);
  });
  afterAll(() => stack?.stop());

  it.each([
    ['a misspelled root field', `{ usr(handle: "x") { id } }`],
    ['a misspelled nested field', `{ user(handle: "x") { handel } }`],
    ['a misspelled argument', `{ user(handl: "x") { id } }`],
    ['a misspelled type in a fragment', `{ ...F } fragment F on Quer { user(handle: "x") { id } }`],
  ])('%s: the error gives no schema hints', async (_name, query) => {
    const res = await gql(query);
    expect(errorCode(res)).toBe('GRAPHQL_VALIDATION_FAILED');
    for (const e of res.errors!) expect(e.message).not.toMatch(/Did you mean/i);
  });

  it('limits still answer BAD_USER_INPUT', async () => {
    expectRefused(await gql(`mutation {\n${logIns(6, `nobody_${run}`)}\n}`), 'ROOT_MUTATIONS', 5);
    // Introspection is on in production too (GATEWAY_INTROSPECTION), so is its depth limit.
    expectRefused(await gql(`{ __type(name: "User") { fields { type { fields { type { fields { name } } } } } } }`), 'INTROSPECTION_DEPTH', 2);
  });
});
