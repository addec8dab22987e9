// Operation limits, checked by validation, before anything is planned or executed:
// - root fields per operation (GATEWAY_MAX_ROOT_FIELDS): aliases count, and so do fields that
//   fragments (named or inline) put on the root type. One 1 MB request could otherwise hold
//   thousands of aliased fields, each its own resolver call;
// - root mutation fields (GATEWAY_MAX_ROOT_MUTATIONS): mutations are where the cost is
//   (signUp and logIn each hash a password with argon2, 19 MiB);
// - selection depth (GATEWAY_MAX_DEPTH): the root field is depth 1. `ofType` (introspection's
//   chain of wrapping types, one object per level) adds no depth, so the standard introspection
//   query passes while `fields { type { fields { type … } } }` does not.
// A refused operation answers HTTP 400 with `extensions.code: 'BAD_USER_INPUT'` and
// `extensions.limit` naming the limit.
import {
  GraphQLError,
  Kind,
  type FragmentDefinitionNode,
  type GraphQLFormattedError,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationRule,
} from 'graphql';
import { z } from '@fffoto/shared/config';

const limit = (fallback: number) => z.coerce.number().int().min(1).max(10_000).default(fallback);

export const operationLimitsShape = {
  /** Root fields per operation (aliases and root-type fragments count). */
  GATEWAY_MAX_ROOT_FIELDS: limit(50),
  /** Root fields per mutation operation. */
  GATEWAY_MAX_ROOT_MUTATIONS: limit(5),
  /** Depth of nested selections (root field = 1). */
  GATEWAY_MAX_DEPTH: limit(12),
};

export interface OperationLimits {
  maxRootFields: number;
  maxRootMutations: number;
  maxDepth: number;
}

export type OperationLimitName = 'ROOT_FIELDS' | 'ROOT_MUTATIONS' | 'DEPTH';

/** Reported by the rule. Apollo Server turns every validation error into GRAPHQL_VALIDATION_FAILED; see withOperationLimitCodes. */
export class OperationLimitError extends GraphQLError {
  constructor(message: string, node: OperationDefinitionNode, extensions: { limit: OperationLimitName; max: number }) {
    super(message, { nodes: [node], extensions: { code: 'BAD_USER_INPUT', ...extensions } });
  }
}

export function operationLimitsRule(limits: OperationLimits): ValidationRule {
  return (context) => ({
    Document(document) {
      const fragments = new Map<string, FragmentDefinitionNode>();
      for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
      const measure = measurer(fragments);
      for (const op of document.definitions) {
        if (op.kind !== Kind.OPERATION_DEFINITION) continue;
        const name = op.name ? ` "${op.name.value}"` : '';
        const rootFields = measure.rootFields(op.selectionSet);
        if (op.operation === 'mutation' && rootFields > limits.maxRootMutations) {
          context.reportError(new OperationLimitError(
            `Mutation${name} has ${rootFields} root fields; at most ${limits.maxRootMutations} are allowed in one operation.`,
            op, { limit: 'ROOT_MUTATIONS', max: limits.maxRootMutations },
          ));
        } else if (rootFields > limits.maxRootFields) {
          context.reportError(new OperationLimitError(
            `Operation${name} has ${rootFields} root fields; at most ${limits.maxRootFields} are allowed.`,
            op, { limit: 'ROOT_FIELDS', max: limits.maxRootFields },
          ));
        }
        const depth = measure.depth(op.selectionSet);
        if (depth > limits.maxDepth) {
          context.reportError(new OperationLimitError(
            `Operation${name} is ${depth} levels deep; at most ${limits.maxDepth} are allowed.`,
            op, { limit: 'DEPTH', max: limits.maxDepth },
          ));
        }
      }
      return false; // everything is measured here; nothing to visit
    },
  });
}

/**
 * Field counts and depths, following fragment spreads. Each fragment is measured once (so a
 * document that spreads fragments exponentially costs linear time), and a fragment cycle (which
 * the standard NoFragmentCycles rule reports) counts as nothing.
 */
function measurer(fragments: Map<string, FragmentDefinitionNode>) {
  const memo = (fn: (set: SelectionSetNode, viaFragment: (name: string) => number) => number) => {
    const done = new Map<string, number>();
    const inProgress = new Set<string>();
    const viaFragment = (name: string): number => {
      const known = done.get(name);
      if (known !== undefined) return known;
      const fragment = fragments.get(name);
      if (!fragment || inProgress.has(name)) return 0;
      inProgress.add(name);
      const value = fn(fragment.selectionSet, viaFragment);
      inProgress.delete(name);
      done.set(name, value);
      return value;
    };
    return (set: SelectionSetNode) => fn(set, viaFragment);
  };

  const rootFields = memo(function count(set, viaFragment): number {
    let n = 0;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) n += 1;
      else if (sel.kind === Kind.INLINE_FRAGMENT) n += count(sel.selectionSet, viaFragment);
      else n += viaFragment(sel.name.value);
    }
    return n;
  });

  const depth = memo(function deepest(set, viaFragment): number {
    let max = 0;
    for (const sel of set.selections) {
      let d: number;
      if (sel.kind === Kind.FIELD) {
        d = (sel.name.value === 'ofType' ? 0 : 1) + (sel.selectionSet ? deepest(sel.selectionSet, viaFragment) : 0);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) d = deepest(sel.selectionSet, viaFragment);
      else d = viaFragment(sel.name.value);
      if (d > max) max = d;
    }
    return max;
  });

  return { rootFields, depth };
}

/**
 * Wraps a formatError so refused operations keep `BAD_USER_INPUT`: Apollo Server reports every
 * validation error as GRAPHQL_VALIDATION_FAILED, keeping the rule's error as originalError.
 */
export function withOperationLimitCodes(
  format: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError,
) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = error instanceof GraphQLError ? error.originalError : undefined;
    if (original instanceof OperationLimitError) {
      return { ...formatted, extensions: { ...formatted.extensions, code: 'BAD_USER_INPUT' } };
    }
    return format(formatted, error);
  };
}
