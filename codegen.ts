// GraphQL Code Generator: resolver types per subgraph (federation-aware), typed documents
// for tests, and the first-party client operations (clients/operations) as typed documents
// plus their trusted-documents manifest. Run `npm run generate:codegen`; CI fails when the
// output drifts from the SDL or the operations.
import type { CodegenConfig } from '@graphql-codegen/cli';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { listSubgraphs } from './scripts/subgraphs.ts';

/**
 * Each subgraph maps its entities to the shapes its resolvers return: every `<Type>Parent`
 * type its src/context.ts exports maps `<Type>` (so a new subgraph needs no entry here).
 */
function mappersOf(dir: string): Record<string, string> {
  const context = readFileSync(`${dir}/src/context.ts`, 'utf8');
  const names = [...context.matchAll(/^export (?:type|interface) (\w+)Parent\b/gm)].map((m) => m[1]!);
  return Object.fromEntries(names.map((type) => [type, `../context.ts#${type}Parent`]));
}

const resolverTypes = Object.fromEntries(
  listSubgraphs().map(({ schemaFile, dir }) => [
    `${dir}/src/generated/resolvers-types.ts`,
    {
      schema: schemaFile,
      plugins: ['typescript', 'typescript-resolvers'],
      config: {
        federation: true,
        useIndexSignature: true,
        contextType: `../context.ts#Context`,
        mappers: mappersOf(dir),
        scalars: { DateTime: 'Date | string' },
        enumsAsTypes: true,
        useTypeImports: true,
      },
    },
  ]),
);

const config: CodegenConfig = {
  overwrite: true,
  generates: {
    ...resolverTypes,
    'tests/generated/graphql.ts': {
      schema: 'gateway/api-schema.graphql',
      documents: ['tests/**/*.graphql'],
      plugins: ['typescript-operations', 'typed-document-node'],
      config: { scalars: { DateTime: 'string' }, enumsAsTypes: true, useTypeImports: true },
    },
    // What a FFFoto app sends: typed documents, each carrying its hash (`__meta__.hash`), and
    // persisted-documents.json (hash → document), the gateway's GATEWAY_TRUSTED_DOCUMENTS.
    'clients/generated/': {
      schema: 'gateway/api-schema.graphql',
      documents: ['clients/operations/**/*.graphql'],
      preset: 'client',
      presetConfig: {
        fragmentMasking: false,
        // Bare hex sha256 of the document text (the preset's default prefixes `sha256:`): the
        // same value serves as APQ's `extensions.persistedQuery.sha256Hash` and as a documentId.
        persistedDocuments: { hashAlgorithm: (text: string) => createHash('sha256').update(text).digest('hex') },
      },
      config: { scalars: { DateTime: 'string' }, enumsAsTypes: true, useTypeImports: true },
    },
  },
};

export default config;
