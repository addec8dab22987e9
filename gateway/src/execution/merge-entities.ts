// Entity fetches of one level to one subgraph, sent as one request even when they select
// different fields: each distinct fetch becomes an aliased `_entities` field with its own
// representations variable, its fragments renamed apart. Fetches with the same selection share
// one alias, and a representation they have in common is sent once (dedupe-representations.ts).
import type { FetchNode } from '@apollo/query-planner';
import { Kind, parse, stripIgnoredCharacters, print, visit, type DefinitionNode, type DocumentNode, type FieldNode, type OperationDefinitionNode, type VariableDefinitionNode } from 'graphql';

const REPRESENTATIONS = 'representations';

/** What must be equal for two fetches to share an alias: their operation, less its name. */
export function fetchShapeKey(fetch: FetchNode): string {
  return fetch.operation.replace(/^\s*query\s+\w+/, 'query');
}

export interface MergedEntitiesOperation {
  query: string;
  document: DocumentNode;
  operationName: string | undefined;
  /** The response key and representations variable of each shape, in the order given. */
  aliases: Array<{ responseKey: string; variable: string }>;
}

/**
 * One operation selecting every shape's `_entities` under its own alias. Variables other than
 * the representations (arguments of the client's operation) keep their names: every fetch of a
 * request reads them from the same request variables.
 */
export function mergeEntityFetches(shapes: FetchNode[]): MergedEntitiesOperation {
  if (shapes.length === 1) {
    const [only] = shapes;
    return {
      query: only!.operation,
      document: only!.operationDocumentNode ?? parse(only!.operation),
      operationName: only!.operationName,
      aliases: [{ responseKey: '_entities', variable: REPRESENTATIONS }],
    };
  }
  const variables = new Map<string, VariableDefinitionNode>();
  const selections: FieldNode[] = [];
  const fragments: DefinitionNode[] = [];
  // The client's own variables travel under their names: ours must not take one of them.
  const taken = new Set(shapes.flatMap((fetch) => fetch.variableUsages ?? []));
  const aliases = shapes.map((fetch, index) => {
    const responseKey = `_${index}`;
    let variable = `${REPRESENTATIONS}_${index}`;
    while (taken.has(variable)) variable = `_${variable}`;
    const renamed = visit(fetch.operationDocumentNode ?? parse(fetch.operation), {
      FragmentDefinition: (node) => ({ ...node, name: { ...node.name, value: `${node.name.value}_${index}` } }),
      FragmentSpread: (node) => ({ ...node, name: { ...node.name, value: `${node.name.value}_${index}` } }),
      Variable: (node) => (node.name.value === REPRESENTATIONS ? { ...node, name: { ...node.name, value: variable } } : undefined),
    });
    for (const definition of renamed.definitions) {
      if (definition.kind !== Kind.OPERATION_DEFINITION) {
        fragments.push(definition);
        continue;
      }
      for (const v of definition.variableDefinitions ?? []) variables.set(v.variable.name.value, v);
      for (const selection of definition.selectionSet.selections) {
        if (selection.kind !== Kind.FIELD || selection.name.value !== '_entities') {
          throw new Error(`merge-entities: ${fetch.operationName ?? 'a fetch'} selects more than _entities`);
        }
        selections.push({ ...selection, alias: { kind: Kind.NAME, value: responseKey } });
      }
    }
    return { responseKey, variable };
  });
  const operationName = shapes[0]!.operationName;
  const document: DocumentNode = {
    kind: Kind.DOCUMENT,
    definitions: [
      {
        kind: Kind.OPERATION_DEFINITION,
        operation: 'query' as OperationDefinitionNode['operation'],
        name: operationName ? { kind: Kind.NAME, value: operationName } : undefined,
        variableDefinitions: [...variables.values()],
        selectionSet: { kind: Kind.SELECTION_SET, selections },
      },
      ...fragments,
    ],
  };
  return { query: stripIgnoredCharacters(print(document)), document, operationName, aliases };
}
