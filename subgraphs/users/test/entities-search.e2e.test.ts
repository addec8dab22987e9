// User entity resolution is batched (one SQL statement for 50 references), and search ranks
// exact handle, then handle prefix, then display-name prefix, then substring.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode, graphqlClient, ok } from '../../../tests/support/client.ts';
import { startStack, type Stack } from '../../../tests/support/stack.ts';
import { SearchUsersDocument, SignUpDocument, UserByHandleDocument } from '../../../tests/generated/graphql.ts';

let stack: Stack;
let gql: ReturnType<typeof graphqlClient>;
const u = Date.now().toString(36).slice(-5);
const ids: string[] = [];

beforeAll(async () => {
  stack = await startStack();
  gql = graphqlClient(stack.gatewayUrl);
  // Rows straight into the users table (hashing 50 passwords would only slow the test down).
  for (let i = 0; i < 50; i++) {
    const row = await stack.usersDb.user.create({
      data: { handle: `ref${i}_${u}`, email: `ref${i}_${u}@example.com`, passwordHash: 'x' },
    });
    ids.push(row.id);
  }
});
afterAll(() => stack?.stop());

describe('User entity resolution', () => {
  it('resolves 50 references with one SQL statement', async () => {
    const subgraph = graphqlClient(stack.usersUrl);
    const query = `query ($reps: [_Any!]!) { _entities(representations: $reps) { ... on User { id handle } } }`;
    const reps = [...ids.map((id) => ({ __typename: 'User', id })), { __typename: 'User', id: 'not-a-uuid' }];
    stack.statements.length = 0;
    const res = await subgraph<{ _entities: Array<{ id: string } | null> }, { reps: unknown[] }>(query, { reps });
    expect(res.data!._entities.slice(0, 50).map((e) => e?.id)).toEqual(ids);
    // An unknown reference is null with a reason, not a bare null.
    expect(res.data!._entities[50]).toBeNull();
    expect(res.errors?.map((e) => [e.extensions?.code, (e as { path?: unknown[] }).path])).toEqual([['NOT_FOUND', ['_entities', 50]]]);
    expect(stack.statements.filter((s) => /^\s*select/i.test(s))).toHaveLength(1);
    expect(stack.statements).toHaveLength(1);
  });
});

describe('searchUsers', () => {
  beforeAll(async () => {
    const password = 'long enough password';
    for (const [handle, displayName] of [
      [`zed_${u}`, 'Someone'],
      [`zed_${u}_2`, 'Other'],
      [`a_zed_${u}`, 'Middle'],
      [`qq_${u}`, `Zed_${u} Fan`],
    ] as const) {
      ok(await gql(SignUpDocument, { input: { handle, email: `${handle}@example.com`, password, displayName } }));
    }
  });

  it('ranks exact, handle prefix, display-name prefix, then substring', async () => {
    const found = ok(await gql(SearchUsersDocument, { query: `ZED_${u}` })).searchUsers.map((x) => x.handle);
    expect(found).toEqual([`zed_${u}`, `zed_${u}_2`, `qq_${u}`, `a_zed_${u}`]);
  });

  it('limits results and refuses a bad limit', async () => {
    expect(ok(await gql(SearchUsersDocument, { query: `ref`, first: 3 })).searchUsers).toHaveLength(3);
    expect(errorCode(await gql(SearchUsersDocument, { query: 'x', first: 0 }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await gql(SearchUsersDocument, { query: 'x', first: 500 }))).toBe('BAD_USER_INPUT');
  });

  it('treats LIKE wildcards literally and returns nothing for an empty query', async () => {
    expect(ok(await gql(SearchUsersDocument, { query: '%' })).searchUsers).toEqual([]);
    expect(ok(await gql(SearchUsersDocument, { query: '   ' })).searchUsers).toEqual([]);
  });

  it('finds a user by handle, any case', async () => {
    expect(ok(await gql(UserByHandleDocument, { handle: `ZED_${u}` })).user?.handle).toBe(`zed_${u}`);
    expect(ok(await gql(UserByHandleDocument, { handle: `nobody_${u}` })).user).toBeNull();
  });
});
