// Trusted documents over real HTTP and graphql-ws: the manifest codegen generated from
// clients/operations (GATEWAY_TRUSTED_DOCUMENTS=true). In production only its operations run
// (by hash, documentId, its text or print() of the generated document), plus introspection
// while GATEWAY_INTROSPECTION is on; anything else is PERSISTED_QUERY_NOT_ALLOWED (403) and is
// not run. Development accepts anything, and answers manifest hashes without registration.
import { buildSchema, parse, print, specifiedRules, validate, type DocumentNode } from 'graphql';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@fffoto/shared/config';
import { limitsFromConfig, operationLimits, operationLimitsShape } from '@fffoto/shared/operation-limits';
import type { ServiceHandle } from '@fffoto/shared/server';
import { TrustedDocuments } from '../src/trusted-documents.ts';
import { startStack, type Stack } from '../../tests/support/stack.ts';
import { EffectsDocument, LoopUpdatedDocument, SignUpDocument } from '../../clients/generated/graphql.ts';
import { apq, code, gatewayWith, get, manifest, overSocket, post, sha256 } from './persisted-documents-support.ts';

const run = Date.now().toString(36);
const hashOf = (doc: DocumentNode) => (doc as unknown as { __meta__: { hash: string } }).__meta__.hash;
const effects = { effects: expect.arrayContaining([expect.objectContaining({ effect: 'NONE' })]) };
const signUpInput = (handle: string) => ({ input: { handle, email: `${handle}@example.com`, password: 'long enough password' } });
/** A mutation the app never sends (not in the manifest). */
const foreignSignUp = (handle: string) =>
  `mutation { signUp(input: { handle: "${handle}", email: "${handle}@example.com", password: "long enough password" }) { accessToken } }`;

let stack: Stack;
let production: ServiceHandle;
let development: ServiceHandle;
const gateways: ServiceHandle[] = [];

beforeAll(async () => {
  stack = await startStack({ media: true });
  const trusted = { GATEWAY_TRUSTED_DOCUMENTS: 'true' };
  production = await gatewayWith(stack.gatewayEnv, { ...trusted, NODE_ENV: 'production' });
  development = await gatewayWith(stack.gatewayEnv, { ...trusted, NODE_ENV: 'development' });
  gateways.push(production, development);
});
afterAll(async () => {
  for (const g of gateways) await g.stop();
  await stack?.stop();
});

const userExists = async (handle: string) => (await post(stack.gatewayUrl, { query: `{ user(handle: "${handle}") { id } }` })).body.data?.user !== null;

describe('the manifest', () => {
  it('is what codegen generated: each generated document carries the hash of its manifest entry', () => {
    for (const doc of [EffectsDocument, SignUpDocument, LoopUpdatedDocument]) {
      const text = manifest[hashOf(doc)];
      expect(text).toBeDefined();
      expect(sha256(text!)).toBe(hashOf(doc));
    }
  });

  it('every document in it is valid against the API schema within the default operation limits', () => {
    const schema = buildSchema(readFileSync(new URL('../api-schema.graphql', import.meta.url), 'utf8'));
    const limits = operationLimits(limitsFromConfig(loadConfig(operationLimitsShape, {})));
    for (const [hash, text] of Object.entries(manifest)) {
      const errors = validate(schema, parse(text, limits.parseOptions), [...specifiedRules, ...limits.validationRules]);
      expect(errors.map((e) => `${hash}: ${e.message}`)).toEqual([]);
    }
  });

  it('is refused at start when an entry is not the sha256 of its text; `sha256:` keys are accepted', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'fffoto-manifest-'));
    try {
      const file = path.join(dir, 'manifest.json');
      writeFileSync(file, JSON.stringify({ [`sha256:${sha256('{ a }')}`]: '{ a }' }));
      expect(TrustedDocuments.load(file).text(sha256('{ a }'))).toBe('{ a }');
      writeFileSync(file, JSON.stringify({ [sha256('{ a }')]: '{ b }' }));
      expect(() => TrustedDocuments.load(file)).toThrow(/not the sha256/);
      expect(() => TrustedDocuments.load(path.join(dir, 'missing.json'))).toThrow(/generate:codegen/);
      // A gateway given an unusable manifest does not start (main.ts prints the one line).
      await expect(gatewayWith(stack.gatewayEnv, { GATEWAY_TRUSTED_DOCUMENTS: file })).rejects.toThrow(/^config: GATEWAY_TRUSTED_DOCUMENTS: .*not the sha256/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('production with GATEWAY_TRUSTED_DOCUMENTS', () => {
  it('a manifest operation runs by hash alone (no registration), over POST and GET', async () => {
    const byHash = await post(production.url, { extensions: apq(hashOf(EffectsDocument)) });
    expect(byHash.body.data).toEqual(effects);
    const overGet = await get(production.url, { extensions: apq(hashOf(EffectsDocument)) });
    expect(overGet.body.data).toEqual(effects);
    expect(overGet.headers.get('cache-control')).toBe('public, max-age=10');
  });

  it('…by documentId, by the manifest text and by print() of the generated document', async () => {
    expect((await post(production.url, { documentId: `sha256:${hashOf(EffectsDocument)}` })).body.data).toEqual(effects);
    expect((await post(production.url, { query: manifest[hashOf(EffectsDocument)] })).body.data).toEqual(effects);
    expect((await post(production.url, { query: print(EffectsDocument) })).body.data).toEqual(effects);
  });

  it('a manifest mutation by hash runs with its variables', async () => {
    const handle = `trusted_${run}`;
    const res = await post(production.url, { extensions: apq(hashOf(SignUpDocument)), variables: signUpInput(handle) });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data?.signUp.user.handle).toBe(handle);
  });

  it('any other operation is refused with 403 PERSISTED_QUERY_NOT_ALLOWED and not run', async () => {
    const handle = `foreign_${run}`;
    const res = await post(production.url, { query: foreignSignUp(handle) });
    expect(res.status).toBe(403);
    expect(code(res)).toBe('PERSISTED_QUERY_NOT_ALLOWED');
    expect(res.body.data).toBeUndefined();
    expect(await userExists(handle)).toBe(false);
  });

  it('an unknown hash is not found, and registering it (query + hash) is refused: the shared store is never consulted', async () => {
    const query = `query Foreign_${run} { effects { name } }`;
    const hash = sha256(query);
    expect(code(await post(production.url, { extensions: apq(hash) }))).toBe('PERSISTED_QUERY_NOT_FOUND');
    const register = await post(production.url, { query, extensions: apq(hash) });
    expect(register.status).toBe(403);
    expect(code(register)).toBe('PERSISTED_QUERY_NOT_ALLOWED');
    // Registered through a development gateway on the same store, it stays unknown here.
    expect((await post(stack.gatewayUrl, { query, extensions: apq(hash) })).body.errors).toBeUndefined();
    await new Promise((r) => setTimeout(r, 200));
    expect((await post(stack.gatewayUrl, { extensions: apq(hash) })).body.errors).toBeUndefined();
    expect(code(await post(production.url, { extensions: apq(hash) }))).toBe('PERSISTED_QUERY_NOT_FOUND');
  });

  it('a manifest hash with some other text runs the manifest document', async () => {
    const res = await post(production.url, { query: foreignSignUp(`swap_${run}`), extensions: apq(hashOf(EffectsDocument)) });
    expect(res.body.data).toEqual(effects);
    expect(await userExists(`swap_${run}`)).toBe(false);
  });

  it('introspection (GATEWAY_INTROSPECTION on) and { __typename } are answered; mixed with other fields they are not', async () => {
    const schema = await post(production.url, { query: '{ __schema { queryType { name } } }' });
    expect(schema.body).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
    expect((await post(production.url, { query: '{ __typename }' })).body).toEqual({ data: { __typename: 'Query' } });
    const mixed = await post(production.url, { query: 'query { __typename ... on Query { effects { name } } }' });
    expect(mixed.status).toBe(403);
    expect(code(mixed)).toBe('PERSISTED_QUERY_NOT_ALLOWED');
  });

  it('with GATEWAY_INTROSPECTION=false introspection is refused too; { __typename } still answers', async () => {
    const closed = await gatewayWith(stack.gatewayEnv, { GATEWAY_TRUSTED_DOCUMENTS: 'true', NODE_ENV: 'production', GATEWAY_INTROSPECTION: 'false' });
    gateways.push(closed);
    const schema = await post(closed.url, { query: '{ __schema { queryType { name } } }' });
    expect(schema.status).toBe(403);
    expect(code(schema)).toBe('PERSISTED_QUERY_NOT_ALLOWED');
    expect((await post(closed.url, { query: '{ __typename }' })).body).toEqual({ data: { __typename: 'Query' } });
  });

  describe('over graphql-ws', () => {
    it('a manifest query runs by its print() text and by hash (empty query + extensions)', async () => {
      expect(await overSocket(production.url, { query: print(EffectsDocument) })).toEqual({ data: effects });
      expect(await overSocket(production.url, { query: '', extensions: apq(hashOf(EffectsDocument)) })).toEqual({ data: effects });
    });

    it('a manifest subscription passes (the subgraph answers it); others are refused with PERSISTED_QUERY_NOT_ALLOWED', async () => {
      const signUp = await post(production.url, { extensions: apq(hashOf(SignUpDocument)), variables: signUpInput(`ws_${run}`) });
      const token = signUp.body.data!.signUp.accessToken as string;
      const manifestSub = await overSocket(production.url, { query: print(LoopUpdatedDocument), variables: { id: 'no-such-loop' } }, token);
      expect(manifestSub.errors?.[0]?.extensions?.code).not.toBe('PERSISTED_QUERY_NOT_ALLOWED');
      expect(manifestSub.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      const foreignSub = await overSocket(production.url, { query: 'subscription { loopUpdated(id: "no-such-loop") { id } }' }, token);
      expect(foreignSub.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_ALLOWED');
      const foreignQuery = await overSocket(production.url, { query: '{ effects { name } }' });
      expect(foreignQuery.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_ALLOWED');
    });
  });
});

describe('development with GATEWAY_TRUSTED_DOCUMENTS', () => {
  it('accepts anything, over HTTP and graphql-ws', async () => {
    const handle = `dev_${run}`;
    expect((await post(development.url, { query: foreignSignUp(handle) })).body.errors).toBeUndefined();
    expect(await userExists(handle)).toBe(true);
    expect(await overSocket(development.url, { query: '{ effects { name } }' })).toEqual({ data: { effects: expect.any(Array) } });
  });

  it('answers manifest hashes without registration', async () => {
    expect((await post(development.url, { extensions: apq(hashOf(EffectsDocument)) })).body.data).toEqual(effects);
  });
});
