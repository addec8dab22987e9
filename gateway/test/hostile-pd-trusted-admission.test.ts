// Trusted documents in production, attacked (hostile review of issue 9): texts that try to run
// something outside the manifest under cover of introspection, `__typename`, a manifest hash or
// a manifest text. The decision is the one HTTP and graphql-ws share (persisted-documents.ts
// `prepare`), reached here through admitLive, on the real manifest codegen wrote.
import { describe, expect, it } from 'vitest';
import { GraphQLError } from 'graphql';
import { createLogger } from '@fffoto/shared/logger';
import { setupPersistedDocuments } from '../src/persisted-documents.ts';
import { manifest, sha256 } from './persisted-documents-support.ts';

const production = {
  NODE_ENV: 'production',
  REDIS_PREFIX: 'hostile-pd:',
  GATEWAY_INTROSPECTION: true,
  GATEWAY_TRUSTED_DOCUMENTS: 'true',
  GATEWAY_APQ_TTL_SECONDS: 60,
  GATEWAY_APQ_MAX_BYTES: 32 * 1024,
  GATEWAY_GET_MAX_AGE_SECONDS: 10,
};
// Enforcing: no APQ store is opened (nothing to close).
const documents = setupPersistedDocuments(production, { maxTokens: 3_000 }, createLogger('gateway', 'silent'));

const [effectsHash, effectsText] = Object.entries(manifest).find(([, text]) => text.includes('query Effects'))!;
const apq = (sha256Hash: string) => ({ persistedQuery: { version: 1, sha256Hash } });
const refusedWith = (payload: Parameters<typeof documents.admitLive>[0]) => {
  const verdict = documents.admitLive(payload);
  return verdict instanceof GraphQLError ? verdict.extensions.code : 'admitted';
};

describe('production with trusted documents refuses smuggled operations', () => {
  it.each([
    ['a real field behind a named fragment on Query', '{ __typename ...F } fragment F on Query { effects { name } }'],
    ['a real field behind an inline fragment beside __schema', '{ __schema { queryType { name } } ... on Query { effects { name } } }'],
    ['a real field behind a fragment that spreads another', '{ ...A } fragment A on Query { __typename ...B } fragment B on Query { me { id } }'],
    ['a real field aliased to look like introspection', '{ __x: effects { name } }'],
    ['an introspection operation beside a real one (operationName picks the real one)', 'query A { __typename } query B { effects { name } }'],
    ['a manifest text with an extra operation', `${effectsText} query Z { me { id } }`],
    ['a manifest text with an extra field', effectsText.replace('effects {', 'me { id } effects {')],
    ['a mutation of only __typename', 'mutation { __typename }'],
    ['a subscription of only __typename', 'subscription { __typename }'],
  ])('%s', (_name, query) => {
    expect(refusedWith({ query })).toBe('PERSISTED_QUERY_NOT_ALLOWED');
  });

  it('a foreign text sent with its own (correct) hash is refused; with a manifest hash, the manifest text runs instead', () => {
    const foreign = '{ me { id } }';
    expect(refusedWith({ query: foreign, extensions: apq(sha256(foreign)) })).toBe('PERSISTED_QUERY_NOT_ALLOWED');
    expect(documents.admitLive({ query: foreign, extensions: apq(effectsHash) })).toEqual({ query: effectsText });
  });

  it('a hash outside the manifest, or in another spelling of a manifest hash, is not run', () => {
    expect(refusedWith({ query: '', extensions: apq('0'.repeat(64)) })).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect(refusedWith({ query: '', extensions: apq(effectsHash.toUpperCase()) })).toBe('BAD_REQUEST');
    expect(refusedWith({ query: '', extensions: apq(`sha256:${effectsHash}`) })).toBe('BAD_REQUEST');
    expect(refusedWith({ query: '', extensions: { persistedQuery: { version: 2, sha256Hash: effectsHash } } })).toBe('BAD_REQUEST');
    expect(refusedWith({ query: '', extensions: JSON.parse(`{"__proto__":${JSON.stringify(apq(effectsHash))}}`) })).toBe('PERSISTED_QUERY_NOT_FOUND');
  });

  it('what may run: manifest texts (reformatted too), introspection and { __typename }', () => {
    expect(refusedWith({ query: `  ${effectsText.replace(/ /g, '\n')} # comment` })).toBe('admitted');
    expect(refusedWith({ query: '{ __type(name: "User") { fields { name } } }' })).toBe('admitted');
    expect(refusedWith({ query: '{ a: __typename ...F } fragment F on Query { __typename }' })).toBe('admitted');
  });
});
