// Choosing the operation is the client's part: an operationName the document lacks, or none
// for a document with several operations, is a 400 with a clear code at the gateway (as at
// the subgraphs), never a 500; a control character in operationName is BAD_USER_INPUT.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../../tests/support/stack.ts';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.stop());

async function post(url: string, body: object) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = (await res.json()) as { data?: unknown; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
  return { status: res.status, ...json };
}

describe('operation resolution at the gateway', () => {
  it('an unknown operationName → 400 OPERATION_RESOLUTION_FAILURE', async () => {
    const res = await post(stack.gatewayUrl, { query: 'query A { __typename }', operationName: 'B' });
    expect(res.status, JSON.stringify(res)).toBe(400);
    expect(res.errors?.[0]?.extensions?.code).toBe('OPERATION_RESOLUTION_FAILURE');
    expect(res.errors?.[0]?.message).toBe('Unknown operation named "B".');
    expect(res.data).toBeUndefined();
  });

  it('two operations and no operationName → 400 OPERATION_RESOLUTION_FAILURE', async () => {
    const res = await post(stack.gatewayUrl, { query: 'query A { __typename } query B { __typename }' });
    expect(res.status, JSON.stringify(res)).toBe(400);
    expect(res.errors?.[0]?.extensions?.code).toBe('OPERATION_RESOLUTION_FAILURE');
    expect(res.errors?.[0]?.message).toMatch(/operation name/);
  });

  it('a subscription over HTTP → 400 BAD_USER_INPUT pointing to the WebSocket, not a 500', async () => {
    const res = await post(stack.gatewayUrl, { query: 'subscription { likeAdded(postId: "p1") { id } }' });
    expect(res.status, JSON.stringify(res)).toBe(400);
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0]?.message).toMatch(/WebSocket/);
  });

  it('the subgraphs answer the same code', async () => {
    const res = await post(stack.usersUrl, { query: 'query A { __typename }', operationName: 'B' });
    expect(res.status).toBe(400);
    expect(res.errors?.[0]?.extensions?.code).toBe('OPERATION_RESOLUTION_FAILURE');
  });

  it('a NUL in operationName → 400 BAD_USER_INPUT naming operationName', async () => {
    const res = await post(stack.gatewayUrl, { query: 'query A { __typename }', operationName: 'A\u0000' });
    expect(res.status, JSON.stringify(res)).toBe(400);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'operationName' });
  });

  it('the control case: a known operationName runs', async () => {
    const res = await post(stack.gatewayUrl, { query: 'query A { __typename } query B { __typename }', operationName: 'B' });
    expect(res.status).toBe(200);
    expect(res.data).toEqual({ __typename: 'Query' });
  });
});
