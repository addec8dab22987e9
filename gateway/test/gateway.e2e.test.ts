// The gateway over real HTTP: health and readiness, CSRF prevention, introspection by
// environment, the public contract as introspection shows it, identity (each subgraph verifies
// the token itself), no Apollo telemetry, and running on any supergraph file.
import { buildClientSchema, getIntrospectionQuery, printSchema, type IntrospectionQuery } from 'graphql';
import { exportPKCS8, generateKeyPair, SignJWT, type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceHandle } from '@fffoto/shared/server';
import { errorCode, graphqlClient, ok } from '../../tests/support/client.ts';
import {
  composeSupergraphFile,
  originOf,
  serviceEnv,
  startGatewayService,
  startUsersService,
  type SupergraphFile,
  type UsersService,
} from '../../tests/support/gateway-services.ts';
import { startStack, type Stack } from '../../tests/support/stack.ts';

const run = Date.now().toString(36);
const password = 'long enough password';

// ── Introspection helpers ──
interface TypeRef {
  kind: string;
  name: string | null;
  ofType: TypeRef | null;
}
interface IntrospectedField {
  name: string;
  type: TypeRef;
  args?: Array<{ name: string; type: TypeRef }>;
}
interface IntrospectedType {
  name: string;
  kind: string;
  fields: IntrospectedField[] | null;
  inputFields: IntrospectedField[] | null;
  enumValues: Array<{ name: string }> | null;
}
interface SchemaResult {
  __schema: { queryType: { name: string }; mutationType: { name: string } | null; types: IntrospectedType[] };
}

const INTROSPECTION = /* GraphQL */ `
  query Contract {
    __schema {
      queryType { name }
      mutationType { name }
      types {
        name
        kind
        enumValues { name }
        fields { name type { ...T } args { name type { ...T } } }
        inputFields { name type { ...T } }
      }
    }
  }
  fragment T on __Type { kind name ofType { kind name ofType { kind name ofType { kind name } } } }
`;

/** `[User!]!` and the like, from an introspected type reference. */
function typeString(t: TypeRef): string {
  if (t.kind === 'NON_NULL') return `${typeString(t.ofType!)}!`;
  if (t.kind === 'LIST') return `[${typeString(t.ofType!)}]`;
  return t.name!;
}

/** `name(arg: Type, ...): Type` for a field, or `name: Type` without arguments. */
function signature(f: IntrospectedField): string {
  const args = f.args?.length ? `(${f.args.map((a) => `${a.name}: ${typeString(a.type)}`).join(', ')})` : '';
  return `${f.name}${args}: ${typeString(f.type)}`;
}

async function introspect(gatewayUrl: string) {
  const res = await graphqlClient(gatewayUrl)<SchemaResult, never>(INTROSPECTION);
  const types = new Map(ok(res).__schema.types.map((t) => [t.name, t]));
  const signatures = (typeName: string) => (types.get(typeName)?.fields ?? []).map(signature);
  const inputs = (typeName: string) => (types.get(typeName)?.inputFields ?? []).map(signature);
  const enumValues = (typeName: string) => types.get(typeName)?.enumValues?.map((v) => v.name);
  return { types, signatures, inputs, enumValues };
}

// ── The shared stack: users + media + gateway ──
let stack: Stack;
let gql: ReturnType<typeof graphqlClient>;

beforeAll(async () => {
  stack = await startStack({ media: true });
  gql = graphqlClient(stack.gatewayUrl);
});
afterAll(() => stack?.stop());

describe('health and readiness', () => {
  it('GET /health answers 200 {status: "ok"}', async () => {
    const res = await fetch(`${originOf(stack.gatewayUrl)}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok' });
  });

  it('GET /ready answers 200 with every subgraph of the supergraph up', async () => {
    const res = await fetch(`${originOf(stack.gatewayUrl)}/ready`);
    const body = (await res.json()) as { status: string; subgraphs: Record<string, string> };
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body.status).toBe('ready');
    expect(body.subgraphs).toEqual({ users: 'up', media: 'up' });
  });

  describe('when a subgraph goes away', () => {
    let users: UsersService;
    let gateway: ServiceHandle;
    let supergraph: SupergraphFile;

    beforeAll(async () => {
      const env = serviceEnv();
      users = await startUsersService(env);
      supergraph = composeSupergraphFile(['users']);
      gateway = await startGatewayService({ ...env, JWKS_URL: users.jwksUrl }, supergraph.file, { users: users.url });
    });
    afterAll(async () => {
      await gateway?.stop();
      await users?.stop();
      supergraph?.remove();
    });

    it('GET /ready turns 503 and names the subgraph that is down; /health stays 200', async () => {
      const before = await fetch(`${originOf(gateway.url)}/ready`);
      expect(before.status).toBe(200);
      expect(await before.json()).toMatchObject({ subgraphs: { users: 'up' } });

      await users.stop();

      const after = await fetch(`${originOf(gateway.url)}/ready`);
      const body = (await after.json()) as { status: string; subgraphs: Record<string, string> };
      expect(after.status).toBe(503);
      expect(body.status).toBe('unavailable');
      expect(body.subgraphs).toEqual({ users: 'down' });
      // Liveness is not readiness: the gateway process itself is fine.
      expect((await fetch(`${originOf(gateway.url)}/health`)).status).toBe(200);
    });
  });
});

describe('CSRF prevention', () => {
  const typenameGet = (url: string) => `${url}?query=${encodeURIComponent('{ __typename }')}`;

  it.each([
    ['gateway', () => stack.gatewayUrl],
    ['users subgraph', () => stack.usersUrl],
  ])('%s: a simple GET (no preflight header, no JSON content type) gets 400 and is not executed', async (_name, url) => {
    const res = await fetch(typenameGet(url()));
    const text = await res.text();
    expect(res.status).toBe(400);
    expect(text).toMatch(/CSRF/);
    expect(text).not.toContain('"data"');
  });

  it('the same GET with apollo-require-preflight is executed', async () => {
    const res = await fetch(typenameGet(stack.gatewayUrl), { headers: { 'apollo-require-preflight': 'true' } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it('a POST with content-type application/json is executed', async () => {
    const res = await gql<{ __typename: string }, never>('{ __typename }');
    expect(res.status).toBe(200);
    expect(res.data).toEqual({ __typename: 'Query' });
  });

  it.each([
    ['text/plain', 'gateway', () => stack.gatewayUrl],
    ['text/plain', 'users subgraph', () => stack.usersUrl],
    ['application/x-www-form-urlencoded', 'gateway', () => stack.gatewayUrl],
    ['multipart/form-data; boundary=x', 'gateway', () => stack.gatewayUrl],
  ])('a POST with content-type %s to the %s is blocked before execution', async (contentType, _name, url) => {
    const handle = `csrf_${run}_${Math.random().toString(36).slice(2, 6)}`;
    const mutation = `mutation { signUp(input: { handle: "${handle}", email: "${handle}@example.com", password: "${password}" }) { accessToken } }`;
    const res = await fetch(url(), {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: JSON.stringify({ query: mutation }),
    });
    const text = await res.text();
    expect(res.status).toBe(400);
    expect(text).toMatch(/CSRF/);
    // Not executed: the account does not exist.
    const lookup = ok(await gql<{ user: { id: string } | null }, never>(`{ user(handle: "${handle}") { id } }`));
    expect(lookup.user).toBeNull();
  });
});

describe('introspection by environment', () => {
  let users: UsersService;
  let supergraph: SupergraphFile;
  const gateways: ServiceHandle[] = [];

  beforeAll(async () => {
    // The users subgraph refuses production without a stable signing key.
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    users = await startUsersService(serviceEnv({ NODE_ENV: 'production', JWT_PRIVATE_KEY: await exportPKCS8(privateKey) }));
    supergraph = composeSupergraphFile(['users']);
  });
  afterAll(async () => {
    for (const g of gateways) await g.stop();
    await users?.stop();
    supergraph?.remove();
  });

  const schemaQuery = '{ __schema { types { name } } }';

  it.each<{ name: string; vars: Record<string, string | undefined>; allowed: boolean }>([
    { name: 'NODE_ENV unset (development)', vars: { NODE_ENV: undefined }, allowed: true },
    { name: 'NODE_ENV=development', vars: { NODE_ENV: 'development' }, allowed: true },
    // Schema consumers need it in production too (on by default there as well).
    { name: 'NODE_ENV=production', vars: { NODE_ENV: 'production' }, allowed: true },
    { name: 'NODE_ENV=production, GATEWAY_INTROSPECTION=false', vars: { NODE_ENV: 'production', GATEWAY_INTROSPECTION: 'false' }, allowed: false },
    { name: 'NODE_ENV=development, GATEWAY_INTROSPECTION=false', vars: { NODE_ENV: 'development', GATEWAY_INTROSPECTION: 'false' }, allowed: false },
  ])('$name → introspection allowed: $allowed', async ({ vars, allowed }) => {
    const env = serviceEnv({ JWKS_URL: users.jwksUrl });
    for (const [k, v] of Object.entries(vars)) {
      if (v === undefined) delete env[k];
      else env[k] = v;
    }
    const gateway = await startGatewayService(env, supergraph.file, { users: users.url });
    gateways.push(gateway);
    const client = graphqlClient(gateway.url);

    const res = await client<{ __schema: { types: Array<{ name: string }> } }, never>(schemaQuery);
    const sdl = await fetch(gateway.url.replace(/\/graphql$/, '/graphql/schema.graphql'));
    if (allowed) {
      expect(res.errors).toBeUndefined();
      expect(res.data?.__schema.types.map((t) => t.name)).toContain('User');
      // The same schema as SDL, to download: what introspection shows, printed.
      expect(sdl.status).toBe(200);
      expect(sdl.headers.get('content-type')).toMatch(/^text\/plain/);
      const full = await client<IntrospectionQuery, never>(getIntrospectionQuery());
      expect(await sdl.text()).toBe(`${printSchema(buildClientSchema(ok(full)))}\n`);
    } else {
      expect(sdl.status).toBe(404);
      expect(res.errors?.length).toBeGreaterThan(0);
      expect(res.errors?.[0]?.message).toMatch(/introspection/i);
      expect(res.data?.__schema).toBeUndefined();
      const typeQuery = await client<unknown, never>('{ __type(name: "User") { name } }');
      expect(typeQuery.errors?.length).toBeGreaterThan(0);
    }
    // Either way, ordinary operations run.
    expect(ok(await client<{ me: unknown }, never>('{ me { id } }')).me).toBeNull();
  });
});

describe('the API schema through introspection', () => {
  let schema: Awaited<ReturnType<typeof introspect>>;
  beforeAll(async () => {
    schema = await introspect(stack.gatewayUrl);
  });

  it('has the contract root fields with their arguments and types', () => {
    expect(schema.signatures('Query')).toEqual(
      expect.arrayContaining([
        'me: User',
        'user(handle: String!): User',
        'searchUsers(query: String!, first: Int): [User!]!',
        'loop(id: ID!): Loop',
      ]),
    );
    expect(schema.signatures('Mutation')).toEqual(
      expect.arrayContaining([
        'signUp(input: SignUpInput!): AuthPayload!',
        'logIn(input: LogInInput!): AuthPayload!',
        'refreshSession(refreshToken: String!): AuthPayload!',
        'logOut(refreshToken: String!): Boolean!',
        'updateProfile(input: UpdateProfileInput!): User!',
        'requestUpload(input: RequestUploadInput!): Upload!',
        'createLoop(input: CreateLoopInput!): Loop!',
        'previewLoop(input: CreateLoopInput!): String!',
      ]),
    );
  });

  it('has the contract object types and fields', () => {
    const expected: Record<string, string[]> = {
      User: ['id: ID!', 'handle: String!', 'displayName: String', 'bio: String', 'createdAt: DateTime!'],
      AuthPayload: ['accessToken: String!', 'refreshToken: String!', 'expiresAt: DateTime!', 'user: User!'],
      Loop: [
        'id: ID!', 'owner: User!', 'status: LoopStatus!', 'mode: LoopMode!', 'effect: Effect!',
        'frameCount: Int', 'width: Int', 'height: Int', 'durationMs: Int',
        'mp4Url: String', 'webpUrl: String', 'gifUrl: String', 'posterUrl: String', 'error: String',
        'createdAt: DateTime!',
      ],
      Upload: ['id: ID!', 'kind: UploadKind!', 'parts: [UploadPart!]!', 'expiresAt: DateTime!'],
      UploadPart: ['index: Int!', 'url: String!', 'method: String!', 'headers: [HttpHeader!]!'],
      HttpHeader: ['name: String!', 'value: String!'],
    };
    for (const [type, fields] of Object.entries(expected)) {
      expect(schema.types.get(type)?.kind, type).toBe('OBJECT');
      expect(schema.signatures(type), type).toEqual(expect.arrayContaining(fields));
    }
    expect(schema.types.get('DateTime')?.kind).toBe('SCALAR');
  });

  it('has the contract enums with exactly their values', () => {
    expect(schema.enumValues('LoopStatus')).toEqual(['PENDING', 'PROCESSING', 'READY', 'FAILED']);
    expect(schema.enumValues('LoopMode')).toEqual(['BOUNCE', 'FORWARD', 'REVERSE']);
    expect(schema.enumValues('Effect')).toEqual(['NONE', 'DAZE', 'SOLO', 'DAILY']);
    expect(schema.enumValues('UploadKind')).toEqual(['FRAMES', 'VIDEO']);
  });

  it('has the contract input types', () => {
    const names = (type: string) => schema.inputs(type).map((s) => s.split(':')[0]);
    expect(names('SignUpInput')).toEqual(expect.arrayContaining(['handle', 'email', 'password']));
    expect(names('LogInInput')).toEqual(expect.arrayContaining(['login', 'password']));
    expect(names('UpdateProfileInput')).toEqual(expect.arrayContaining(['displayName', 'bio']));
    expect(names('RequestUploadInput')).toEqual(expect.arrayContaining(['kind', 'count', 'contentType']));
    expect(names('CreateLoopInput')).toEqual(expect.arrayContaining(['uploadId', 'mode', 'effect', 'fps']));
  });

  it('does not expose federation internals', () => {
    expect(schema.types.has('_Service')).toBe(false);
    expect(schema.types.has('_Entity')).toBe(false);
    expect(schema.signatures('Query').map((s) => s.split(/[(:]/)[0])).not.toContain('_entities');
  });
});

describe('identity: the token travels, each subgraph verifies it', () => {
  const ME = '{ me { id handle } }';
  let token: string;
  let userId: string;
  let handle: string;

  beforeAll(async () => {
    handle = `ident_${run}`;
    const res = ok(
      await gql<{ signUp: { accessToken: string; user: { id: string } } }, never>(
        `mutation { signUp(input: { handle: "${handle}", email: "${handle}@example.com", password: "${password}" }) { accessToken user { id } } }`,
      ),
    );
    token = res.signUp.accessToken;
    userId = res.signUp.user.id;
  });

  /** A token that looks right in every way (kid, issuer, audience, subject) but is signed by another key. */
  async function forgedToken(): Promise<string> {
    const jwks = (await (await fetch(`${originOf(stack.usersUrl)}/.well-known/jwks.json`)).json()) as JSONWebKeySet;
    const kid = jwks.keys[0]!.kid!;
    const { privateKey } = await generateKeyPair('ES256');
    return new SignJWT({ sid: 'forged' })
      .setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' })
      .setSubject(userId)
      .setIssuer(process.env.JWT_ISSUER ?? 'fffoto-users')
      .setAudience(process.env.JWT_AUDIENCE ?? 'fffoto')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);
  }

  it('the gateway forwards the bearer token: me resolves in the users subgraph', async () => {
    const res = await gql<{ me: { id: string; handle: string } | null }, never>(ME, undefined, token);
    expect(ok(res).me).toEqual({ id: userId, handle });
  });

  it('the users subgraph verifies a token sent to it directly', async () => {
    const direct = graphqlClient(stack.usersUrl);
    expect(ok(await direct<{ me: { id: string } | null }, never>(ME, undefined, token)).me?.id).toBe(userId);
  });

  it.each([
    ['users subgraph, directly', () => stack.usersUrl],
    ['gateway', () => stack.gatewayUrl],
  ])('%s: a token signed by another key → 401 UNAUTHENTICATED', async (_name, url) => {
    const res = await graphqlClient(url())<{ me: unknown }, never>(ME, undefined, await forgedToken());
    expect(res.status).toBe(401);
    expect(errorCode(res)).toBe('UNAUTHENTICATED');
    // Bad tokens are lazy (authenticate()): the field that needed the viewer is null, with the reason.
    expect(res.data?.me ?? null).toBeNull();
    expect(res.errors![0]!.extensions?.reason).toBeDefined();
  });

  it.each([
    ['users subgraph, directly', () => stack.usersUrl],
    ['gateway', () => stack.gatewayUrl],
  ])('%s: a bare x-user-id header is not trusted (me is null)', async (_name, url) => {
    const res = await graphqlClient(url())<{ me: unknown }, never>(ME, undefined, undefined, {
      'x-user-id': userId,
      'x-viewer-id': userId,
      'x-user': JSON.stringify({ id: userId }),
    });
    expect(res.status).toBe(200);
    expect(ok(res).me).toBeNull();
  });
});

describe('no Apollo telemetry', () => {
  const traceHeader = { 'apollo-federation-include-trace': 'ftv1' };

  // Each query resolves real fields, so a trace would have something to record.
  it.each([
    ['users subgraph, directly', () => stack.usersUrl, '{ searchUsers(query: "zz") { id } }'],
    ['media subgraph, directly', () => stack.mediaUrl!, '{ effects { effect name } }'],
    ['gateway', () => stack.gatewayUrl, '{ searchUsers(query: "zz") { id } effects { effect name } }'],
  ])('%s: no inline trace (extensions.ftv1), even when asked for one', async (_name, url, query) => {
    const res = await fetch(url(), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...traceHeader },
      body: JSON.stringify({ query }),
    });
    const body = (await res.json()) as { data?: unknown; errors?: unknown; extensions?: Record<string, unknown> };
    expect(res.status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.extensions?.ftv1).toBeUndefined();
    expect(JSON.stringify(body)).not.toContain('ftv1');
  });
});

describe('SUPERGRAPH_FILE: the gateway runs on any composed supergraph', () => {
  let supergraph: SupergraphFile;
  let gateway: ServiceHandle;

  beforeAll(async () => {
    supergraph = composeSupergraphFile(['users']);
    gateway = await startGatewayService(serviceEnv({ JWKS_URL: stack.env.JWKS_URL }), supergraph.file, {
      users: stack.usersUrl,
    });
  });
  afterAll(async () => {
    await gateway?.stop();
    supergraph?.remove();
  });

  it('serves the schema of that file: users fields, no media fields or types', async () => {
    const schema = await introspect(gateway.url);
    const queryFields = schema.signatures('Query').map((s) => s.split(/[(:]/)[0]);
    const mutationFields = schema.signatures('Mutation').map((s) => s.split(/[(:]/)[0]);
    expect(queryFields).toEqual(expect.arrayContaining(['me', 'user', 'searchUsers']));
    expect(queryFields).not.toContain('loop');
    expect(mutationFields).toContain('signUp');
    expect(mutationFields).not.toContain('createLoop');
    expect(schema.types.has('Loop')).toBe(false);
  });

  it('executes against it, and refuses fields the file does not have', async () => {
    const client = graphqlClient(gateway.url);
    const handle = `sgfile_${run}`;
    const signUp = ok(
      await client<{ signUp: { accessToken: string; user: { id: string } } }, never>(
        `mutation { signUp(input: { handle: "${handle}", email: "${handle}@example.com", password: "${password}" }) { accessToken user { id } } }`,
      ),
    ).signUp;
    const me = ok(await client<{ me: { id: string } | null }, never>('{ me { id } }', undefined, signUp.accessToken)).me;
    expect(me?.id).toBe(signUp.user.id);
    const loop = await client('{ loop(id: "1") { id } }');
    expect(errorCode(loop)).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('reports that file and only its subgraphs on /ready', async () => {
    const res = await fetch(`${originOf(gateway.url)}/ready`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ supergraph: supergraph.file, subgraphs: { users: 'up' } });
    const body = (await (await fetch(`${originOf(gateway.url)}/ready`)).json()) as { subgraphs: Record<string, string> };
    expect(Object.keys(body.subgraphs)).toEqual(['users']);
  });
});
