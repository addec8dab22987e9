// GraphQL Code Generator: resolver types per subgraph (federation-aware) and typed documents
// for tests. Run `npm run generate:codegen`; CI fails when the output drifts from the SDL.
import type { CodegenConfig } from '@graphql-codegen/cli';

// Each subgraph maps its entities to the shapes its resolvers return (see its context.ts).
const subgraphs: Record<string, Record<string, string>> = {
  users: { User: '../context.ts#UserParent' },
  media: { Loop: '../context.ts#LoopParent' },
};

const resolverTypes = Object.fromEntries(
  Object.entries(subgraphs).map(([name, mappers]) => [
    `subgraphs/${name}/src/generated/resolvers-types.ts`,
    {
      schema: `subgraphs/${name}/schema.graphql`,
      plugins: ['typescript', 'typescript-resolvers'],
      config: {
        federation: true,
        useIndexSignature: true,
        contextType: `../context.ts#Context`,
        mappers,
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
  },
};

export default config;
