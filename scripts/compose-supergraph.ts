// Writes gateway/supergraph.graphql and gateway/api-schema.graphql from supergraph.yaml.
import { writeFileSync } from 'node:fs';
import { CompositionError, composeFromConfig } from '../gateway/src/compose.ts';

try {
  const { supergraphSdl, apiSchemaSdl } = composeFromConfig('supergraph.yaml');
  writeFileSync('gateway/supergraph.graphql', supergraphSdl);
  writeFileSync('gateway/api-schema.graphql', `${apiSchemaSdl}\n`);
  console.log('composed gateway/supergraph.graphql and gateway/api-schema.graphql');
} catch (err) {
  if (!(err instanceof CompositionError)) throw err;
  console.error(err.message);
  process.exit(1);
}
