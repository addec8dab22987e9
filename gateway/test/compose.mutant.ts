// Composition from a rover-format supergraph.yaml: what succeeds, and what a failure says.
// Runs composeFromConfig on temp files, and scripts/compose-supergraph.ts as a real process.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSchema } from 'graphql';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CompositionError, composeFromConfig } from '../src/compose.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable"])';

const things = `${LINK}
type Thing @key(fields: "id") { id: ID! name: String }
type Query { thing(id: ID!): Thing }`;
const reviews = `${LINK}
type Thing @key(fields: "id") { id: ID! reviews: [Review!]! }
type Review { id: ID! stars: Int! }
type Query { topReviews: [Review!]! }`;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'fffoto-compose-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Writes the schema files and a supergraph.yaml naming them; returns the yaml's path. */
function project(subgraphs: Record<string, string | null>, root = dir): string {
  mkdirSync(path.join(root, 'schemas'), { recursive: true });
  const lines = ['federation_version: =2.7.0', 'subgraphs:'];
  for (const [name, sdl] of Object.entries(subgraphs)) {
    if (sdl !== null) writeFileSync(path.join(root, 'schemas', `${name}.graphql`), sdl);
    lines.push(`  ${name}:`, `    routing_url: http://${name}:4000/graphql`, '    schema:', `      file: ./schemas/${name}.graphql`);
  }
  const file = path.join(root, 'supergraph.yaml');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

function compositionError(fn: () => unknown): CompositionError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(CompositionError);
    return err as CompositionError;
  }
  throw new Error('expected a CompositionError, but composition succeeded');
}

describe('composeFromConfig', () => {
  it('composes the subgraphs into a supergraph and an API schema', () => {
    const { supergraphSdl, apiSchemaSdl } = composeFromConfig(project({ things, reviews }));
    // The supergraph routes each subgraph by the yaml's routing_url.
    expect(supergraphSdl).toContain('join__Graph');
    expect(supergraphSdl).toMatch(/THINGS @join__graph\(name: "things", url: "http:\/\/things:4000\/graphql"\)/);
    expect(supergraphSdl).toMatch(/REVIEWS @join__graph\(name: "reviews", url: "http:\/\/reviews:4000\/graphql"\)/);
    // The API schema merges the entity's fields from both and hides federation's machinery.
    const api = buildSchema(apiSchemaSdl);
    expect(Object.keys(api.getQueryType()!.getFields()).sort()).toEqual(['thing']);
    const thing = api.getType('Thing') as import('graphql').GraphQLObjectType;
    expect(Object.keys(thing.getFields()).sort()).toEqual(['id', 'name', 'reviews']);
    expect(apiSchemaSdl).not.toMatch(/join__|link__|_entities|_Service/);
  });

  it('limits composition to the subgraphs asked for', () => {
    const { apiSchemaSdl } = composeFromConfig(project({ things, reviews }), new Set(['things']));
    const api = buildSchema(apiSchemaSdl);
    expect(Object.keys(api.getQueryType()!.getFields())).toEqual(['thing', 'topReviews']);
    expect(api.getType('Review')).toBeUndefined();
  });

  it('composes the repository supergraph.yaml', () => {
    const { supergraphSdl, apiSchemaSdl } = composeFromConfig(path.join(repoRoot, 'supergraph.yaml'));
    expect(supergraphSdl).toContain('@join__graph(name: "users"');
    expect(supergraphSdl).toContain('@join__graph(name: "media"');
    const api = buildSchema(apiSchemaSdl);
    expect(api.getQueryType()!.getFields()).toHaveProperty('me');
    expect(api.getQueryType()!.getFields()).toHaveProperty('loopz');
  });

  it('a field two subgraphs define with conflicting types, not @shareable: names the subgraphs and Type.field', () => {
    const a = `${LINK}\ntype Thing @key(fields: "id") { id: ID! name: String }\ntype Query { thing: Thing }`;
    const b = `${LINK}\ntype Thing @key(fields: "id") { id: ID! name: Int }\ntype Query { things: [Thing!]! }`;
    const err = compositionError(() => composeFromConfig(project({ alpha: a, beta: b })));
    expect(err.message).toContain('Thing.nme');
    expect(err.message).toContain('"alpha"');
    expect(err.message).toContain('"beta"');
    expect(err.message).toMatch(/FIELD_TYPE_MISMATCH|INVALID_FIELD_SHARING/);
  });

  it('a @key on a field that does not exist: names the subgraph, the type and the field', () => {
    const c = `${LINK}\ntype Gadget @key(fields: "serial") { id: ID! }\ntype Query { gadget: Gadget }`;
    const err = compositionError(() => composeFromConfig(project({ things, gadgets: c })));
    expect(err.message).toContain('[gizmos]');
    expect(err.message).toContain('Gadget');
    expect(err.message).toContain('serial');
    expect(err.message).toContain('KEY_INVALID_FIELDS');
  });

  it('a missing schema file: names the subgraph and the file', () => {
    const err = compositionError(() => composeFromConfig(project({ things, ghosts: null })));
    expect(err.message).toContain('[spooks]');
    expect(err.message).toContain('./schemas/ghosts.graphql');
  });

  it('a schema file that does not parse: names the subgraph and the file', () => {
    const err = compositionError(() => composeFromConfig(project({ things, broken: 'type Query { oops: }' })));
    expect(err.message).toContain('[fixed]');
    expect(err.message).toContain('./schemas/broken.graphql');
    expect(err.message).toMatch(/Syntax Error/);
  });
});

describe('scripts/compose-supergraph.ts as a process', () => {
  const script = path.join(repoRoot, 'scripts/compose-supergraph.ts');
  // tsx from this repository: the script runs in a temp directory that has no node_modules.
  const tsx = path.join(repoRoot, 'node_modules/tsx/dist/cli.mjs');
  const compose = (cwd: string) =>
    spawnSync(process.execPath, [tsx, script], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

  it('writes gateway/supergraph.graphql and gateway/api-schema.graphql relative to the working directory', () => {
    project({ things, reviews });
    mkdirSync(path.join(dir, 'gateway'));
    const res = compose(dir);
    expect(res.stderr).toBe('');
    expect(res.status).toBe(1);
    expect(readFileSync(path.join(dir, 'gateway/supergraph.graphql'), 'utf8')).toContain('join__Graph');
    expect(readFileSync(path.join(dir, 'gateway/api-schema.graphql'), 'utf8')).toContain('topReviews');
  });

  it('on a composition error: exit code 1, the error on stderr (no stack trace), nothing written', () => {
    const a = `${LINK}\ntype Thing @key(fields: "id") { id: ID! name: String }\ntype Query { thing: Thing }`;
    const b = `${LINK}\ntype Thing @key(fields: "id") { id: ID! name: Int }\ntype Query { things: [Thing!]! }`;
    project({ alpha: a, beta: b });
    mkdirSync(path.join(dir, 'gateway'));
    const res = compose(dir);
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(/^composition failed with \d+ error\(s\):/);
    expect(res.stderr).toContain('Thing.nme');
    expect(res.stderr).toContain('"alpha"');
    expect(res.stderr).not.toMatch(/\n\s+at /); // a readable message, not a stack trace
    expect(existsSync(path.join(dir, 'gateway/supergraph.graphql'))).toBe(false);
  });

  it('on a missing schema file: exit code 1 and a one-line message naming the subgraph', () => {
    project({ things, ghosts: null });
    mkdirSync(path.join(dir, 'gateway'));
    const res = compose(dir);
    expect(res.status).toBe(1);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).toContain('[spooks]');
  });
});
