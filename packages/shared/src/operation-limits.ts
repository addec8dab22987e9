// Operation limits, checked before anything is planned or executed, at the gateway and (with
// room for what the gateway adds to its own fetches) in every subgraph, so a subgraph reached
// directly is no side door:
// - tokens per document (GATEWAY_MAX_TOKENS): graphql-js's own parser limit, so a 269 KB
//   document stops being parsed at the limit instead of being parsed, validated and planned;
// - aliases and directives per operation (GATEWAY_MAX_ALIASES, GATEWAY_MAX_DIRECTIVES):
//   graphql-armor's rules. Each alias is its own resolver call (20,000 aliased mp4Url once
//   stalled the gateway for seconds);
// - fields per operation (GATEWAY_MAX_FIELDS), fragments expanded: what the work grows with;
// - root fields per operation (GATEWAY_MAX_ROOT_FIELDS): aliases count, and so do fields that
//   fragments (named or inline) put on the root type;
// - root mutation fields (GATEWAY_MAX_ROOT_MUTATIONS): mutations are where the cost is
//   (signUp and logIn each hash a password with argon2, 19 MiB);
// - selection depth (GATEWAY_MAX_DEPTH): the root field is depth 1. `ofType` (introspection's
//   chain of wrapping types, one object per level) adds no depth, so the standard introspection
//   query passes while `fields { type { fields { type … } } }` does not;
// - introspection depth (fixed): graphql-js's MaxIntrospectionDepthRule refuses a third nested
//   `fields`/`interfaces`/`possibleTypes`/`inputFields` list under `__schema` or `__type` (the
//   cycles that make an introspection query cost far more than its depth says; the standard
//   introspection query nests one). graphql-js 16.10+ counts it among its specifiedRules, which
//   Apollo Server and our socket validation always run, so it is not added again here (it would
//   report twice); withOperationLimitCodes gives its error our code.
// A refused operation answers HTTP 400 with `extensions.code: 'BAD_USER_INPUT'` and
// `extensions.limit` naming the limit (`extensions.max` its value).
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import {
  GraphQLError,
  Kind,
  type ASTNode,
  type FragmentDefinitionNode,
  type GraphQLFormattedError,
  type ParseOptions,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { z } from './config.ts';

const limit = (fallback: number, max = 10_000) => z.coerce.number().int().min(1).max(max).default(fallback);

/** The gateway's limits; every subgraph reads the same variables (see subgraphLimits). */
export const operationLimitsShape = {
  /** Root fields per operation (aliases and root-type fragments count). */
  GATEWAY_MAX_ROOT_FIELDS: limit(50),
  /** Root fields per mutation operation. */
  GATEWAY_MAX_ROOT_MUTATIONS: limit(5),
  /** Depth of nested selections (root field = 1). */
  GATEWAY_MAX_DEPTH: limit(12),
  /** Aliases per operation (fragments expanded; `__typename` aliases are free). */
  GATEWAY_MAX_ALIASES: limit(100),
  /** Fields per operation, fragments expanded (a fragment spread twice counts twice). */
  GATEWAY_MAX_FIELDS: limit(1_000, 100_000),
  /** Lexical tokens per document. */
  GATEWAY_MAX_TOKENS: limit(3_000, 1_000_000),
  /** Directives per operation. */
  GATEWAY_MAX_DIRECTIVES: limit(50),
};

export interface OperationLimits {
  maxRootFields: number;
  maxRootMutations: number;
  maxDepth: number;
  maxAliases: number;
  maxFields: number;
  maxTokens: number;
  maxDirectives: number;
}

type LimitsConfig = { [K in keyof typeof operationLimitsShape]: number };

export function limitsFromConfig(c: LimitsConfig): OperationLimits {
  return {
    maxRootFields: c.GATEWAY_MAX_ROOT_FIELDS,
    maxRootMutations: c.GATEWAY_MAX_ROOT_MUTATIONS,
    maxDepth: c.GATEWAY_MAX_DEPTH,
    maxAliases: c.GATEWAY_MAX_ALIASES,
    maxFields: c.GATEWAY_MAX_FIELDS,
    maxTokens: c.GATEWAY_MAX_TOKENS,
    maxDirectives: c.GATEWAY_MAX_DIRECTIVES,
  };
}

/**
 * A subgraph's limits from the gateway's: root fields and mutations exactly (the gateway never
 * sends a subgraph more root fields than the client sent), the rest with room for what query
 * planning adds (`__typename`, `_entities` and type conditions, its own aliases).
 */
export function subgraphLimits(gateway: OperationLimits): OperationLimits {
  return {
    ...gateway,
    maxDepth: gateway.maxDepth + 1,
    maxAliases: gateway.maxAliases * 2,
    maxFields: gateway.maxFields * 2,
    maxTokens: gateway.maxTokens * 2,
    maxDirectives: gateway.maxDirectives * 2,
  };
}

export type OperationLimitName = 'TOKENS' | 'ALIASES' | 'DIRECTIVES' | 'FIELDS' | 'ROOT_FIELDS' | 'ROOT_MUTATIONS' | 'DEPTH' | 'INTROSPECTION_FIELDS';

/**
 * `__schema` and `__type` at the root, aliases counting: each answers from the whole schema
 * (an 8 KB request of 45 aliased `__schema` walks answered 2.3 MB), and no tool needs more.
 */
export const MAX_SCHEMA_FIELDS = 1;
export const MAX_TYPE_FIELDS = 5;

/** Reported by the rules. Apollo Server turns every validation error into GRAPHQL_VALIDATION_FAILED; see withOperationLimitCodes. */
export class OperationLimitError extends GraphQLError {
  constructor(message: string, node: ASTNode | undefined, extensions: { limit: OperationLimitName; max: number }) {
    super(message, { nodes: node ? [node] : undefined, extensions: { code: 'BAD_USER_INPUT', ...extensions } });
  }
}

/** What an Apollo Server needs to enforce the limits: parse options and validation rules. */
export function operationLimits(limits: OperationLimits): { parseOptions: ParseOptions; validationRules: ValidationRule[] } {
  // graphql-armor reports through onReject; we report our own error (code, limit, max) instead of throwing its.
  const armor = (name: OperationLimitName, max: number, what: string) => ({
    n: max,
    propagateOnRejection: false,
    onReject: [
      (ctx: ValidationContext | null, err: GraphQLError) => {
        const found = /found (\d+)/.exec(err.message)?.[1];
        ctx?.reportError(new OperationLimitError(`Operation has ${found ?? 'too many'} ${what}; at most ${max} are allowed.`, undefined, { limit: name, max }));
      },
    ],
  });
  return {
    parseOptions: { maxTokens: limits.maxTokens },
    validationRules: [
      operationLimitsRule(limits),
      maxAliasesRule(armor('ALIASES', limits.maxAliases, 'aliases')),
      maxDirectivesRule(armor('DIRECTIVES', limits.maxDirectives, 'directives')),
    ],
  };
}

export function operationLimitsRule(limits: Pick<OperationLimits, 'maxRootFields' | 'maxRootMutations' | 'maxDepth' | 'maxFields'>): ValidationRule {
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
        } else {
          // Only when the root-field limit holds: one refusal per cause is enough.
          const fields = measure.fields(op.selectionSet);
          if (fields > limits.maxFields) {
            context.reportError(new OperationLimitError(
              `Operation${name} has ${fields} fields; at most ${limits.maxFields} are allowed.`,
              op, { limit: 'FIELDS', max: limits.maxFields },
            ));
          }
        }
        const schemaFields = measure.rootFieldsNamed('__schema')(op.selectionSet);
        const typeFields = measure.rootFieldsNamed('__type')(op.selectionSet);
        for (const [field, count, max] of [['__schema', schemaFields, MAX_SCHEMA_FIELDS], ['__type', typeFields, MAX_TYPE_FIELDS]] as const) {
          if (count <= max) continue;
          context.reportError(new OperationLimitError(
            `Operation${name} has ${count} ${field} fields at its root; at most ${max} are allowed.`,
            op, { limit: 'INTROSPECTION_FIELDS', max },
          ));
          break;
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

  const fields = memo(function count(set, viaFragment): number {
    let n = 0;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) n += 1 + (sel.selectionSet ? count(sel.selectionSet, viaFragment) : 0);
      else if (sel.kind === Kind.INLINE_FRAGMENT) n += count(sel.selectionSet, viaFragment);
      else n += viaFragment(sel.name.value);
    }
    return n;
  });

  const rootFieldsNamed = (fieldName: string) =>
    memo(function count(set, viaFragment): number {
      let n = 0;
      for (const sel of set.selections) {
        if (sel.kind === Kind.FIELD) n += sel.name.value === fieldName ? 1 : 0;
        else if (sel.kind === Kind.INLINE_FRAGMENT) n += count(sel.selectionSet, viaFragment);
        else n += viaFragment(sel.name.value);
      }
      return n;
    });

  return { rootFields, depth, fields, rootFieldsNamed };
}

const TOKENS = /Document contains more that (\d+) tokens/;
/** MaxIntrospectionDepthRule's one message; the rule refuses a third nested list, so 2 pass. */
const INTROSPECTION_DEPTH = 'Maximum introspection depth exceeded';
const MAX_INTROSPECTION_LISTS = 2;

/**
 * Wraps a formatError so refused operations answer `BAD_USER_INPUT` with `limit` and `max`:
 * Apollo Server reports validation errors as GRAPHQL_VALIDATION_FAILED (keeping the rule's error
 * as originalError; graphql-js's introspection depth error is known by its message) and the
 * parser's token limit as GRAPHQL_PARSE_FAILED.
 */
export function withOperationLimitCodes(
  format: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError,
) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = error instanceof GraphQLError ? error.originalError : undefined;
    if (original instanceof OperationLimitError) {
      return { ...formatted, extensions: { ...formatted.extensions, code: 'BAD_USER_INPUT' } };
    }
    if (formatted.extensions?.code === 'GRAPHQL_VALIDATION_FAILED' && formatted.message === INTROSPECTION_DEPTH) {
      return {
        ...formatted,
        message: `Introspection nests fields, interfaces, possibleTypes or inputFields too deeply; at most ${MAX_INTROSPECTION_LISTS} levels are allowed.`,
        extensions: { code: 'BAD_USER_INPUT', limit: 'INTROSPECTION_DEPTH', max: MAX_INTROSPECTION_LISTS },
      };
    }
    const tokens = formatted.extensions?.code === 'GRAPHQL_PARSE_FAILED' ? TOKENS.exec(formatted.message) : null;
    if (tokens) {
      const max = Number(tokens[1]);
      return {
        message: `The document has more than ${max} tokens; at most ${max} are allowed.`,
        extensions: { code: 'BAD_USER_INPUT', limit: 'TOKENS', max },
      };
    }
    return format(formatted, error);
  };
}
