// Raw HTTP and graphql-ws requests for the persisted-documents tests: the bodies, GET
// parameters and headers a client really sends, and the answer with its status and headers.
import { createClient, type ExecutionResult } from 'graphql-ws';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { loadGatewayConfig, startGateway } from '../src/app.ts';
import { DEFAULT_MANIFEST } from '../src/trusted-documents.ts';
import type { ServiceHandle } from '@fffoto/shared/server';

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** hash → text, as codegen wrote it (clients/generated/persisted-documents.json). */
export const manifest: Record<string, string> = JSON.parse(readFileSync(DEFAULT_MANIFEST, 'utf8'));

export const apq = (hash: string) => ({ persistedQuery: { version: 1, sha256Hash: hash } });

export interface Answer {
  status: number;
  headers: Headers;
  body: { data?: Record<string, any> | null; errors?: Array<{ message: string; extensions?: { code?: string } }> };
}

export const code = (a: Answer) => a.body.errors?.[0]?.extensions?.code;

async function answer(res: Response): Promise<Answer> {
  return { status: res.status, headers: res.headers, body: await res.json() };
}

export async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  return answer(await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) }));
}

/** A GET as Apollo Client sends one: JSON-encoded `variables` and `extensions`, a preflight-forcing header. */
export async function get(url: string, params: Record<string, unknown>, headers: Record<string, string> = { 'apollo-require-preflight': 'true' }): Promise<Answer> {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined) search.set(name, typeof value === 'string' ? value : JSON.stringify(value));
  }
  return answer(await fetch(`${url}?${search}`, { headers }));
}

/** A gateway on the stack's subgraphs with its own settings (e.g. NODE_ENV, trusted documents). */
export async function gatewayWith(gatewayEnv: NodeJS.ProcessEnv, extra: Record<string, string | undefined>): Promise<ServiceHandle> {
  const env: NodeJS.ProcessEnv = { ...gatewayEnv, GATEWAY_PORT: '0', ...extra };
  for (const [name, value] of Object.entries(extra)) if (value === undefined) delete env[name];
  return startGateway(loadGatewayConfig(env));
}

/** One operation over graphql-ws: its first result, or the errors it ended with. */
export async function overSocket(
  httpUrl: string,
  payload: { query: string; variables?: Record<string, unknown>; extensions?: Record<string, unknown> },
  token?: string,
): Promise<ExecutionResult<Record<string, any>> | { errors: Array<{ message: string; extensions?: { code?: string } }> }> {
  const client = createClient({
    url: httpUrl.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
  });
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no answer over the socket within 15 s')), 15_000);
      client.subscribe(payload, {
        next: (result) => {
          clearTimeout(timer);
          resolve(result as ExecutionResult<Record<string, any>>);
        },
        error: (err) => {
          clearTimeout(timer);
          if (Array.isArray(err)) resolve({ errors: err });
          else reject(err);
        },
        complete: () => undefined,
      });
    });
  } finally {
    await client.dispose();
  }
}
