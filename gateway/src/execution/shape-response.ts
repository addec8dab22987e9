// The client's response shaped from the merged subgraph data: @apollo/gateway's computeResponse
// (resultShaping.js), rule for rule, with the operation compiled once per document instead of
// walked through the planner's objects on every request (the directives looked up, the types
// compared, a result object allocated per value). Same output, same key order, same errors:
// nulls for invalid values, non-null violations bubbling up to the nearest nullable parent.
import {
  ERRORS,
  isCompositeType,
  isObjectType,
  isSubtype,
  isValidLeafValue,
  Variable,
  type CompositeType,
  type Directive,
  type EnumType,
  type ScalarType,
  type NamedType,
  type Operation,
  type Schema,
  type SelectionSet,
  type Type,
} from '@apollo/federation-internals';
import type { GraphQLError, SelectionNode } from 'graphql';

type Data = Record<string, unknown>;
type Path = Array<string | number>;
/** A @skip/@include argument: a constant, or the name of a variable. */
type Condition = boolean | string;

type TypeShape =
  | { kind: 'nonNull'; of: TypeShape; text: string }
  | { kind: 'list'; of: TypeShape; text: string }
  | { kind: 'composite'; type: NamedType; text: string }
  | { kind: 'leaf'; type: ScalarType | EnumType; text: string };

type Compiled =
  | { kind: 'typename'; responseName: string; skip?: Condition; include?: Condition }
  | { kind: 'introspection'; responseName: string; node: () => SelectionNode; skip?: Condition; include?: Condition }
  | { kind: 'field'; responseName: string; type: TypeShape; set?: Compiled[]; skip?: Condition; include?: Condition }
  | { kind: 'fragment'; typeCondition?: CompositeType; applies: Map<string, boolean>; set: Compiled[]; skip?: Condition; include?: Condition };

export interface CompiledOperation {
  schema: Schema;
  root: Compiled[];
  rootType: CompositeType;
  defaultedVariables: Data;
}

/**
 * Selection sets whose result objects need a null prototype: those with a response key that a
 * plain object inherits (`constructor`, `toString`, `__proto__`: aliases a client may choose).
 * On a plain object the shaping would read the inherited value as a value already there, or
 * write through it onto Object or Object.prototype. Every other result object is a plain `{}`:
 * V8 keeps null-prototype objects in dictionary mode, slower to fill and to serialize (a feed
 * answer has hundreds).
 */
const nullPrototypeSets = new WeakSet<Compiled[]>();

/** A name a plain object has without being given it. */
export const inherited = (name: string): boolean => name in Object.prototype;

function responseKeys(set: Compiled[]): string[] {
  return set.flatMap((s) => (s.kind === 'fragment' ? responseKeys(s.set) : [s.responseName]));
}

export function compileOperation(operation: Operation): CompiledOperation {
  const schema = operation.schema();
  const conditions = (directives: readonly Directive<any>[]) => {
    const argument = (name: string): Condition | undefined => {
      const directive = directives.find((d) => d.name === name);
      if (!directive) return undefined;
      const value = directive.arguments().if as unknown;
      return value instanceof Variable ? value.name : (value as boolean);
    };
    const skip = argument('skip');
    const include = argument('include');
    return { ...(skip !== undefined ? { skip } : {}), ...(include !== undefined ? { include } : {}) };
  };
  const typeShape = (type: Type): TypeShape => {
    const text = type.toString();
    if (type.kind === 'NonNullType') return { kind: 'nonNull', of: typeShape(type.ofType), text };
    if (type.kind === 'ListType') return { kind: 'list', of: typeShape(type.ofType), text };
    if (isCompositeType(type)) return { kind: 'composite', type, text };
    return { kind: 'leaf', type: type as ScalarType | EnumType, text };
  };
  const compile = (set: SelectionSet): Compiled[] => {
    const compiled = compileSet(set);
    if (responseKeys(compiled).some(inherited)) nullPrototypeSets.add(compiled);
    return compiled;
  };
  const compileSet = (set: SelectionSet): Compiled[] =>
    set.selections().map((selection): Compiled => {
      const element = selection.element;
      const when = conditions(element.appliedDirectives);
      if (selection.kind === 'FieldSelection') {
        const field = selection.element;
        const responseName = field.responseName();
        if (field.definition.isSchemaIntrospectionField()) {
          return { kind: 'introspection', responseName, node: () => selection.expandFragments().toSelectionNode(), ...when };
        }
        if (field.name === '__typename') return { kind: 'typename', responseName, ...when };
        return {
          kind: 'field',
          responseName,
          type: typeShape(field.definition.type!),
          ...(selection.selectionSet ? { set: compile(selection.selectionSet) } : {}),
          ...when,
        };
      }
      const fragment = selection.element;
      return { kind: 'fragment', typeCondition: fragment.typeCondition, applies: new Map(), set: compile(selection.selectionSet), ...when };
    });
  return {
    schema,
    root: compile(operation.selectionSet),
    rootType: schema.schemaDefinition.rootType(operation.rootKind)!,
    defaultedVariables: operation.collectDefaultedVariableValues(),
  };
}

interface Shaping {
  schema: Schema;
  variables: Data;
  errors: GraphQLError[];
  introspect(node: SelectionNode): unknown;
}

const OK = 0;
const NULL_BUBBLE_UP = 1;

/** What the last call of `update` found (read right after it returns; saves an object per value). */
let lastInvalid = false;
let lastHasErrors = false;

export function shapeResponse(
  compiled: CompiledOperation,
  input: Data | null | undefined,
  variables: Data | undefined,
  introspect: (node: SelectionNode) => unknown,
): { data: Data | null | undefined; errors: GraphQLError[] } {
  if (!input) return { data: input, errors: [] };
  const shaping: Shaping = {
    schema: compiled.schema,
    variables: { __proto__: null, ...compiled.defaultedVariables, ...variables } as Data,
    errors: [],
    introspect,
  };
  const data: Data = Object.create(null);
  const result = applySet(shaping, input, compiled.root, data, [], compiled.rootType);
  return { data: result === NULL_BUBBLE_UP ? null : data, errors: shaping.errors };
}

function conditionValue(condition: Condition, variables: Data): boolean {
  if (typeof condition === 'boolean') return condition;
  const value = variables[condition];
  if (typeof value !== 'boolean') throw new Error(`Unexpected value ${String(value)} for variable $${condition}`);
  return value;
}

function skipped(selection: Compiled, variables: Data): boolean {
  if (selection.skip !== undefined && conditionValue(selection.skip, variables)) return true;
  return selection.include !== undefined && !conditionValue(selection.include, variables);
}

function fragmentApplies(shaping: Shaping, selection: Compiled & { kind: 'fragment' }, typename: string | undefined, parentType: NamedType): boolean {
  const condition = selection.typeCondition;
  if (!condition) return true;
  const key = typename ?? `#${parentType.name}`;
  let applies = selection.applies.get(key);
  if (applies === undefined) {
    if (typename) {
      const type = shaping.schema.type(typename);
      applies = !!type && isSubtype(condition, type);
    } else {
      applies = isSubtype(condition, parentType);
    }
    selection.applies.set(key, applies);
  }
  return applies;
}

function applySet(shaping: Shaping, input: Data, set: Compiled[], output: Data, path: Path, parentType: NamedType): number {
  for (const selection of set) {
    if ((selection.skip !== undefined || selection.include !== undefined) && skipped(selection, shaping.variables)) continue;
    switch (selection.kind) {
      case 'introspection':
        if (output[selection.responseName] === undefined) output[selection.responseName] = shaping.introspect(selection.node());
        break;
      case 'typename': {
        const name = selection.responseName;
        if (output[name] !== undefined) break;
        let value = Object.hasOwn(input, name) ? (input[name] ?? null) : null;
        if (value === null && name !== '__typename') value = input.__typename ?? null;
        const type = typeof value === 'string' ? (shaping.schema.type(value) ?? parentType) : parentType;
        if (!isObjectType(type)) return NULL_BUBBLE_UP;
        output[name] = type.name;
        break;
      }
      case 'field': {
        const name = selection.responseName;
        const value = Object.hasOwn(input, name) ? (input[name] ?? null) : null;
        path.push(name);
        output[name] = update(shaping, output[name], selection.type, value, selection.set, path, parentType);
        path.pop();
        if (lastInvalid) return NULL_BUBBLE_UP;
        break;
      }
      case 'fragment': {
        const typename = input.__typename;
        if (typename && typeof typename !== 'string') throw new Error(`Got unexpected value for __typename: ${String(typename)}`);
        if (fragmentApplies(shaping, selection, typename as string | undefined, parentType)) {
          const result = applySet(shaping, input, selection.set, output, path, selection.typeCondition ?? parentType);
          if (result === NULL_BUBBLE_UP) return NULL_BUBBLE_UP;
        }
        break;
      }
    }
  }
  return OK;
}

function describe(path: Path, currentType: string, parentType: NamedType): string {
  const element = path[path.length - 1];
  return typeof element === 'string' ? `field ${parentType.name}.${element}` : `array element of type ${currentType} at index ${element}`;
}

function invalid(shaping: Shaping, message: string, path: Path): void {
  shaping.errors.push(ERRORS.INVALID_GRAPHQL.err(message, { path: [...path] }));
}

function update(shaping: Shaping, outputValue: unknown, type: TypeShape, input: unknown, set: Compiled[] | undefined, path: Path, parentType: NamedType): unknown {
  if (outputValue === null || (outputValue !== undefined && !set)) {
    lastInvalid = lastHasErrors = false;
    return outputValue;
  }
  switch (type.kind) {
    case 'nonNull': {
      const updated = update(shaping, outputValue, type.of, input, set, path, parentType);
      if (updated === null) {
        if (!lastHasErrors) invalid(shaping, `Cannot return null for non-nullable ${describe(path, type.of.text, parentType)}.`, path);
        lastInvalid = lastHasErrors = true;
        return null;
      }
      lastInvalid = lastHasErrors = false;
      return updated;
    }
    case 'list': {
      if (input === null) break;
      if (!Array.isArray(input)) throw new Error(`Invalid non-list value ${String(input)} returned by subgraph for list type ${type.text}`);
      if (outputValue !== undefined && (!Array.isArray(outputValue) || outputValue.length !== input.length)) {
        throw new Error(`Invalid list value returned by subgraph for list type ${type.text}`);
      }
      const previous = outputValue as unknown[] | undefined;
      const updated = new Array<unknown>(input.length);
      let nullify = false;
      let hasErrors = false;
      for (let i = 0; i < input.length; i++) {
        path.push(i);
        updated[i] = update(shaping, previous?.[i], type.of, input[i], set, path, parentType);
        path.pop();
        nullify ||= lastInvalid;
        hasErrors ||= lastHasErrors;
      }
      lastInvalid = false;
      lastHasErrors = hasErrors;
      return nullify ? null : updated;
    }
    case 'composite': {
      if (input === null) break;
      if (!set || typeof input !== 'object') throw new Error(`Invalid non-object value ${String(input)} returned by subgraph for composite type ${type.text}`);
      const typename = (input as Data).__typename;
      if (typename !== undefined && typeof typename !== 'string') throw new Error(`Invalid non-string value ${String(typename)} for __typename at ${path.join(',')}`);
      let objectType: NamedType = type.type;
      if (typename) {
        const named = shaping.schema.type(typename);
        if (!named || !isCompositeType(named)) {
          invalid(shaping, `Invalid __typename found for object at ${describe(path, type.text, parentType)}.`, path);
          lastInvalid = false;
          lastHasErrors = true;
          return null;
        }
        objectType = named;
      }
      const output = (outputValue === undefined ? (nullPrototypeSets.has(set) ? Object.create(null) : {}) : outputValue) as Data;
      const hasErrors = applySet(shaping, input as Data, set, output, path, objectType) === NULL_BUBBLE_UP;
      lastInvalid = false;
      lastHasErrors = hasErrors;
      return hasErrors ? null : output;
    }
    case 'leaf': {
      if (input === null) break;
      const valid = isValidLeafValue(shaping.schema, input, type.type);
      if (!valid) invalid(shaping, `Invalid value found for ${describe(path, type.text, parentType)}.`, path);
      lastInvalid = false;
      lastHasErrors = !valid;
      return valid ? input : null;
    }
  }
  // A null from the subgraph where null is allowed.
  lastInvalid = lastHasErrors = false;
  return null;
}
