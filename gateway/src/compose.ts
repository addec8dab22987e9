// Composes the supergraph from supergraph.yaml (rover's format) with @apollo/composition.
import { composeServices } from '@apollo/composition';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, printSchema } from 'graphql';
import { parse as parseYaml } from 'yaml';

interface SupergraphYaml {
  subgraphs: Record<string, { routing_url: string; schema: { file: string } }>;
}

export class CompositionError extends Error {}

export interface Composed {
  supergraphSdl: string;
  apiSchemaSdl: string;
}

/** `only` limits composition to some of the listed subgraphs (tests run a partial stack). */
export function composeFromConfig(configPath: string, only?: Set<string>): Composed {
  const config = parseYaml(readFileSync(configPath, 'utf8')) as SupergraphYaml;
  const root = path.dirname(configPath);
  const listed = Object.entries(config.subgraphs ?? {}).filter(([name]) => !only || only.has(name));
  const services = listed.map(([name, sub]) => {
    if (!sub?.schema?.file) throw new CompositionError(`supergraph.yaml: subgraph "${name}" has no schema.file`);
    const file = path.resolve(root, sub.schema.file);
    let sdl: string;
    try {
      sdl = readFileSync(file, 'utf8');
    } catch {
      throw new CompositionError(`[${name}] schema file not found: ${sub.schema.file}`);
    }
    try {
      return { name, url: sub.routing_url, typeDefs: parse(sdl) };
    } catch (err) {
      throw new CompositionError(`[${name}] ${sub.schema.file}: ${(err as Error).message}`);
    }
  });
  const result = composeServices(services);
  if (result.errors) {
    // Composition messages already name the subgraph ("[users] ...") and the field (Type.field).
    const lines = result.errors.map((e) => `  - ${e.extensions?.code ?? 'ERROR'}: ${e.message}`);
    throw new CompositionError(`composition failed with ${result.errors.length} error(s):\n${lines.join('\n')}`);
  }
  return {
    supergraphSdl: result.supergraphSdl,
    apiSchemaSdl: printSchema(result.schema.toAPISchema().toGraphQLJSSchema()),
  };
}
