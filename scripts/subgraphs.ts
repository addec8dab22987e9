// The one list of subgraphs: supergraph.yaml (rover's format). `npm start`, the test stack,
// codegen and composition read it; docker-compose.yml and the Dockerfile cannot, so
// tests/compose.test.ts checks that they name exactly these.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const repoRoot = fileURLToPath(new URL('..', import.meta.url));
export const supergraphConfig = path.join(repoRoot, 'supergraph.yaml');

export interface SubgraphEntry {
  name: string;
  routingUrl: string;
  /** Its SDL, relative to the repository root. */
  schemaFile: string;
  /** Its folder, relative to the repository root (`subgraphs/<name>`). */
  dir: string;
}

/** The listed subgraphs, in the file's order (users first: the others verify its tokens). */
export function listSubgraphs(file = supergraphConfig): SubgraphEntry[] {
  const config = parse(readFileSync(file, 'utf8')) as { subgraphs?: Record<string, { routing_url: string; schema: { file: string } }> };
  return Object.entries(config.subgraphs ?? {}).map(([name, sub]) => {
    const schemaFile = path.relative(repoRoot, path.resolve(path.dirname(file), sub.schema.file));
    return { name, routingUrl: sub.routing_url, schemaFile, dir: path.dirname(schemaFile) };
  });
}
