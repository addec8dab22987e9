// Schema consumers read the API schema through introspection and the IDE: every type, field,
// argument, enum value, input field and directive in it has a description. Composed here from
// the subgraphs' SDL as `npm run generate:supergraph` does, so a field added without one fails
// before anything is regenerated.
import { composeServices } from '@apollo/composition';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  buildSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isIntrospectionType,
  isObjectType,
  isSpecifiedDirective,
  isSpecifiedScalarType,
  parse,
  type GraphQLArgument,
  type GraphQLSchema,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { listSubgraphs, repoRoot } from '../scripts/subgraphs.ts';

/** Schema coordinates (`Type`, `Type.field`, `Type.field(arg:)`, `@directive`) without a description. */
function undescribed(schema: GraphQLSchema): string[] {
  const missing: string[] = [];
  const check = (coordinate: string, description: string | null | undefined) => {
    if (!description?.trim()) missing.push(coordinate);
  };
  const checkArgs = (owner: string, args: readonly GraphQLArgument[]) => {
    for (const arg of args) check(`${owner}(${arg.name}:)`, arg.description);
  };
  for (const type of Object.values(schema.getTypeMap())) {
    if (isIntrospectionType(type) || isSpecifiedScalarType(type)) continue;
    check(type.name, type.description);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        check(`${type.name}.${field.name}`, field.description);
        checkArgs(`${type.name}.${field.name}`, field.args);
      }
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) check(`${type.name}.${field.name}`, field.description);
    } else if (isEnumType(type)) {
      for (const value of type.getValues()) check(`${type.name}.${value.name}`, value.description);
    }
  }
  for (const directive of schema.getDirectives()) {
    if (isSpecifiedDirective(directive)) continue;
    check(`@${directive.name}`, directive.description);
    checkArgs(`@${directive.name}`, directive.args);
  }
  return missing;
}

const services = listSubgraphs().map((s) => ({
  name: s.name,
  url: s.routingUrl,
  typeDefs: parse(readFileSync(path.join(repoRoot, s.schemaFile), 'utf8')),
}));
const composed = composeServices(services);

describe('descriptions of the API schema', () => {
  it('the check finds each kind of element without one (and accepts blank as missing)', () => {
    const schema = buildSchema(`
      "The query type." type Query { "A." a(x: Int): E  b(" " y: I): Int }
      enum E { "Yes." YES NO }
      input I { "Z." z: Int w: Int }
      scalar Time
      directive @d("Why." why: String, how: String) on FIELD`);
    expect(undescribed(schema).sort()).toEqual(
      ['@d', '@d(how:)', 'E', 'E.NO', 'I', 'I.w', 'Query.a(x:)', 'Query.b', 'Query.b(y:)', 'Time'].sort(),
    );
  });

  it('every type, field, argument, enum value, input field and directive of the composed API schema has one', () => {
    if (composed.errors) throw new Error(composed.errors.map((e) => e.message).join('\n'));
    const api = composed.schema.toAPISchema().toGraphQLJSSchema();
    expect(undescribed(api), 'add a """description""" in the subgraph that defines each of these').toEqual([]);
  });

  it('no element is described differently in two subgraphs (composition would pick one and hint)', () => {
    // Describe an entity in its owning subgraph only, and shared (@shareable, root) types alike everywhere.
    const hints = (composed.hints ?? []).filter((h) => h.definition.code === 'INCONSISTENT_DESCRIPTION');
    expect(hints.map((h) => h.message)).toEqual([]);
  });
});
