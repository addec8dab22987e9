// Answers are written as strings with their length measured in bytes (packages/shared/src/
// apollo-http.ts): a display name in four scripts and an emoji (multi-byte UTF-8, and a surrogate
// pair in JavaScript) must arrive whole, with a content-length that is the number of bytes sent,
// through the gateway and straight from the users subgraph.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphqlClient, ok } from './support/client.ts';
import { signUpUser } from './support/media.ts';
import { startStack, type Stack } from './support/stack.ts';

const NAME = 'Zoë 写真 ループ фото 📸';

/** POSTs `body` and returns the raw bytes with the content-length header (no client decoding in between). */
function rawPost(url: string, body: string, token: string): Promise<{ length: string | undefined; chunked: boolean; bytes: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ length: res.headers['content-length'], chunked: res.headers['transfer-encoding'] === 'chunked', bytes: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('answers with multi-byte characters', () => {
  let stack: Stack;
  let token: string;
  beforeAll(async () => {
    stack = await startStack();
    const gql = graphqlClient(stack.gatewayUrl);
    ({ token } = await signUpUser(gql, `enc_${Date.now().toString(36)}`));
    ok(await gql('mutation($n: String!) { updateProfile(input: { displayName: $n }) { id } }', { n: NAME }, token));
  }, 60_000);
  afterAll(() => stack?.stop());

  it.each([['the gateway', () => stack.gatewayUrl], ['the users subgraph', () => stack.usersUrl]])('%s: content-length is the byte count and the text arrives whole', async (_where, url) => {
    const { length, chunked, bytes } = await rawPost(url(), JSON.stringify({ query: '{ me { displayName } }' }), token);
    expect(chunked).toBe(false);
    expect(Number(length)).toBe(bytes.length);
    expect(bytes.length).toBeGreaterThan(bytes.toString('utf8').length); // multi-byte characters were sent
    expect(JSON.parse(bytes.toString('utf8'))).toEqual({ data: { me: { displayName: NAME } } });
  });
});
