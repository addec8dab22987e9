// Starts the users subgraph and gateways separately (in this process, on free ports), so a test
// can stop one of them, or start a gateway with its own environment (NODE_ENV, SUPERGRAPH_FILE...).
// tests/support/stack.ts starts everything together and stops everything together.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServiceHandle } from '@fffoto/shared/server';
import { composeFromConfig } from '../../gateway/src/compose.ts';
import { loadGatewayConfig, startGateway } from '../../gateway/src/app.ts';
import { loadUsersConfig, startUsers } from '../../subgraphs/users/src/app.ts';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** The environment of the test run (database, Redis) with a fresh Redis prefix and quiet logs. */
export function serviceEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    REDIS_PREFIX: `${process.env.REDIS_PREFIX ?? 'fffoto-test:'}${Math.random().toString(36).slice(2, 8)}:`,
  };
  // Settings the tests choose themselves must not leak in from the shell.
  delete env.GATEWAY_INTROSPECTION;
  delete env.SUPERGRAPH_FILE;
  delete env.SUBGRAPH_URLS;
  return { ...env, ...extra };
}

export interface SupergraphFile {
  file: string;
  remove(): void;
}

/** Composes the repo's supergraph.yaml, limited to `only`, into a temp file. */
export function composeSupergraphFile(only: string[]): SupergraphFile {
  const dir = mkdtempSync(path.join(tmpdir(), 'fffoto-gw-sg-'));
  const file = path.join(dir, 'supergraph.graphql');
  writeFileSync(file, composeFromConfig(path.join(repoRoot, 'supergraph.yaml'), new Set(only)).supergraphSdl);
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A handle whose stop() runs once, however often it is called. */
export function once(handle: ServiceHandle): ServiceHandle {
  let stopping: Promise<void> | undefined;
  return { ...handle, stop: () => (stopping ??= handle.stop()) };
}

export interface UsersService extends ServiceHandle {
  jwksUrl: string;
}

export async function startUsersService(env: NodeJS.ProcessEnv): Promise<UsersService> {
  const handle = once(await startUsers(loadUsersConfig({ ...env, USERS_PORT: '0' })));
  return { ...handle, jwksUrl: `${new URL(handle.url).origin}/.well-known/jwks.json` };
}

/** A gateway on a free port, routing each named subgraph to the given URL. */
export async function startGatewayService(
  env: NodeJS.ProcessEnv,
  supergraphFile: string,
  subgraphUrls: Record<string, string>,
): Promise<ServiceHandle> {
  const handle = await startGateway(
    loadGatewayConfig({
      ...env,
      GATEWAY_PORT: '0',
      SUPERGRAPH_FILE: supergraphFile,
      SUBGRAPH_URLS: Object.entries(subgraphUrls).map(([name, url]) => `${name}=${url}`).join(','),
    }),
  );
  return once(handle);
}

/** The origin (scheme://host:port) of a service URL, for /health and /ready. */
export const originOf = (url: string) => new URL(url).origin;
