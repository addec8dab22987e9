// Input hygiene, once for every operation (gateway and subgraphs), before anything executes:
// a control character in any string the caller sends — in a literal argument or in a variable,
// however deeply nested — is refused as BAD_USER_INPUT naming the field (`input.email`).
// Newline, carriage return and tab are text; NUL and the other C0 controls, DEL and the C1
// controls are not (Postgres refuses NUL in text outright, which used to surface as
// INTERNAL_SERVER_ERROR; U+009B is a one-byte terminal escape introducer).
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind, visit, type DocumentNode, type ValueNode } from 'graphql';

/** Control characters that are never text: C0 but tab, newline and carriage return; DEL; C1. */
export const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

/** Arguments that carry the gateway's own data, not the caller's (entity representations). */
const INTERNAL_ARGUMENTS = new Set(['representations']);

export class ControlCharacterError extends GraphQLError {
  constructor(readonly field: string) {
    super(`${field} contains a control character; only text (with newlines and tabs) is accepted.`, {
      extensions: { code: 'BAD_USER_INPUT', field, http: { status: 400 } },
    });
  }
}

/** What a document says once for all its requests: a literal at fault, and where variables go. */
interface DocumentInputs {
  literal?: string;
  /** (variable name, the field path it fills), in document order. */
  variables: Array<[string, string]>;
}

/**
 * Per document (Apollo Server reuses the parsed document of a query it has seen): literals are
 * checked once, and each request only walks the variables it sent.
 */
const byDocument = new WeakMap<DocumentNode, DocumentInputs>();

function documentInputs(document: DocumentNode): DocumentInputs {
  const known = byDocument.get(document);
  if (known) return known;
  const inputs: DocumentInputs = { variables: [] };
  const inLiteral = (node: ValueNode, path: string): void => {
    switch (node.kind) {
      case Kind.STRING:
        if (!inputs.literal && CONTROL_CHARACTERS.test(node.value)) inputs.literal = path;
        break;
      case Kind.LIST:
        node.values.forEach((v, i) => inLiteral(v, `${path}.${i}`));
        break;
      case Kind.OBJECT:
        for (const f of node.fields) inLiteral(f.value, `${path}.${f.name.value}`);
        break;
      case Kind.VARIABLE:
        inputs.variables.push([node.name.value, path]);
        break;
      default:
    }
  };
  visit(document, {
    Argument(node) {
      if (!INTERNAL_ARGUMENTS.has(node.name.value)) inLiteral(node.value, node.name.value);
      return false;
    },
    VariableDefinition(node) {
      if (node.defaultValue) inLiteral(node.defaultValue, node.variable.name.value);
      return false;
    },
  });
  byDocument.set(document, inputs);
  return inputs;
}

/** The first field (dotted path) whose string holds a control character, or undefined. */
export function findControlCharacter(document: DocumentNode, variables: Record<string, unknown> = {}): string | undefined {
  let found: string | undefined;
  // Depth first with a stack of its own: a variable nested 150,000 levels deep must not
  // overflow the call stack (a 500) before its type is checked.
  const inRuntime = (value: unknown, path: string): void => {
    const pending: Array<[unknown, string]> = [[value, path]];
    while (pending.length && !found) {
      const [v, at] = pending.pop()!;
      if (typeof v === 'string') {
        if (CONTROL_CHARACTERS.test(v)) found = at;
      } else if (v && typeof v === 'object') {
        const entries = Array.isArray(v) ? v.map((e, i) => [e, `${at}.${i}`] as [unknown, string]) : Object.entries(v).map(([k, e]) => [e, `${at}.${k}`] as [unknown, string]);
        for (let i = entries.length - 1; i >= 0; i--) pending.push(entries[i]!);
      }
    }
  };
  const inputs = documentInputs(document);
  // A literal at fault is named first, then the first variable at fault in document order.
  if (inputs.literal) found = inputs.literal;
  for (const [name, path] of inputs.variables) {
    if (found) break;
    inRuntime(variables[name], path);
  }
  return found;
}

/** Refuses an operation whose string inputs hold control characters (HTTP 400, BAD_USER_INPUT). */
export function inputHygienePlugin<C extends object>(): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, request }) {
          const field = findControlCharacter(document, request.variables ?? {});
          if (field) throw new ControlCharacterError(field);
        },
      };
    },
  };
}
