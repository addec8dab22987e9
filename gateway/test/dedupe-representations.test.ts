// The gateway sends each distinct entity representation once per fetch and fans results back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planRepresentations } from '../src/dedupe-representations.ts';
import { graphqlClient, ok } from '../../tests/support/client.ts';
import { startGraphqlProxy, type GraphqlProxy } from '../../tests/support/graphql-proxy.ts';
import { signUpUser } from '../../tests/support/media.ts';
import { startStack, type Stack } from '../../tests/support/stack.ts';

describe('planRepresentations (pure)', () => {
  const a = { __typename: 'User', id: 'a' };
  const b = { __typename: 'User', id: 'b' };
  const c = { __typename: 'User', id: 'c' };

  it('sends each representation once across merged fetches', () => {
    expect(planRepresentations([[a, b, a, a, b]]).representations).toEqual([a, b]);
    expect(planRepresentations([[a], [b, a], [c]]).representations).toEqual([a, b, c]);
    expect(planRepresentations([[]]).representations).toEqual([]);
  });

  it('tells representations apart by every field and value, not only the usual { __typename, id }', () => {
    const withExtra = { __typename: 'User', id: 'a', handle: 'x' };
    const otherType = { __typename: 'Loop', id: 'a' };
    const numericId = { __typename: 'User', id: 1 };
    const stringId = { __typename: 'User', id: '1' };
    const nullProto = Object.assign(Object.create(null) as object, { __typename: 'User', id: 'a' });
    const reordered = { id: 'a', __typename: 'User' };
    // The same entity however its object was made; different ones never merged.
    expect(planRepresentations([[a, nullProto, reordered]]).representations).toEqual([a]);
    expect(planRepresentations([[a, withExtra, otherType, numericId, stringId]]).representations).toEqual([a, withExtra, otherType, numericId, stringId]);
    // Keys that could collide if joined naively.
    const left = { __typename: 'User', id: 'b\u0000c' };
    const right = { __typename: 'User\u0000b', id: 'c' };
    expect(planRepresentations([[left, right]]).representations).toHaveLength(2);
  });

  it('gives every fetch its own answer, in its own order, with its own error paths', () => {
    const plan = planRepresentations([[a, b, a], [b, c]]);
    const [first, second] = plan.split({
      data: { _entities: [{ id: 'a' }, null, { id: 'c' }] },
      errors: [{ message: 'b is gone', path: ['_entities', 1, 'handle'] }, { message: 'unrelated' }],
    });
    expect(first!.data?._entities).toEqual([{ id: 'a' }, null, { id: 'a' }]);
    expect(first!.errors?.map((e) => e.path)).toEqual([['_entities', 1, 'handle'], undefined]);
    expect(second!.data?._entities).toEqual([null, { id: 'c' }]);
    expect(second!.errors?.map((e) => e.path)).toEqual([['_entities', 0, 'handle']]);
  });
});

describe('through the gateway', () => {
  let stack: Stack;
  let proxy: GraphqlProxy;
  beforeAll(async () => {
    stack = await startStack({
      media: true,
      routeVia: async (name, url) => {
        if (name !== 'users') return url;
        proxy = await startGraphqlProxy(url);
        return proxy.url;
      },
    });
  });
  afterAll(async () => {
    await stack?.stop();
    await proxy?.stop();
  });

  it('asks the users subgraph once per distinct owner of 20 loops', async () => {
    const gql = graphqlClient(stack.gatewayUrl);
    const ann = await signUpUser(gql, `ann_${Date.now().toString(36)}`);
    const ben = await signUpUser(gql, `ben_${Date.now().toString(36)}`);
    // Loop rows straight into the media tables: encoding is not what this test is about.
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const ownerId = i % 10 === 9 ? ben.id : ann.id;
      const upload = await stack.usersDb.upload.create({
        data: { ownerId, kind: 'FRAMES', partCount: 3, contentType: 'image/jpeg', expiresAt: new Date() },
      });
      const loop = await stack.usersDb.loop.create({
        data: { ownerId, uploadId: upload.id, mode: 'BOUNCE', effect: 'NONE', fps: 10, effectDay: new Date() },
      });
      ids.push(loop.id);
    }
    const selection = ids.map((id, i) => `l${i}: loop(id: "${id}") { id owner { id handle } }`).join(' ');
    // Anonymous and named operations: the planner names a named operation's fetches apart.
    for (const query of [`{ ${selection} }`, `query LoopOwners { ${selection} }`]) {
      proxy.bodies.length = 0;
      const data = ok(await gql<Record<string, { id: string; owner: { id: string; handle: string } }>, never>(query));
      ids.forEach((id, i) => {
        expect(data[`l${i}`]).toMatchObject({ id, owner: { id: i % 10 === 9 ? ben.id : ann.id } });
      });
      const entityFetches = proxy.bodies.filter((b) => b.query.includes('_entities'));
      const sent = entityFetches.flatMap((b) => (b.variables?.representations as unknown[]) ?? []);
      expect(entityFetches).toHaveLength(1);
      expect(sent).toHaveLength(2);
    }
  });
});
