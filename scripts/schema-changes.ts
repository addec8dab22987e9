// The API schema's change record, shared by tests/schema-changes.test.ts and
// `npm run schema:publish` (scripts/schema-publish.ts). schema/api.graphql is the API schema as
// last published to clients; schema/CHANGELOG.md says what changed at each publication, and
// under "## Unreleased" lists every breaking change made since, one line each:
//   - `<inspector change type>` `<inspector path>`: what clients should do instead
// A change to record is one @graphql-inspector/core rates BREAKING or DANGEROUS: a default
// changed, a value added to an enum that clients switch over exhaustively (generated mobile
// enums), a member added to a union, all break some client without being a removal.
import path from 'node:path';
import { CriticalityLevel, diff, type Change } from '@graphql-inspector/core';
import {
  buildSchema,
  DEFAULT_DEPRECATION_REASON,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isIntrospectionType,
  isObjectType,
  type GraphQLSchema,
} from 'graphql';
import { composeFromConfig } from '../gateway/src/compose.ts';
import { repoRoot, supergraphConfig } from './subgraphs.ts';

export const publishedSchemaFile = path.join(repoRoot, 'schema/api.graphql');
export const changelogFile = path.join(repoRoot, 'schema/CHANGELOG.md');

const UNRELEASED = '## Unreleased';
const ENTRY = /^- (`[A-Z_]+` `[^`]+`):(.*)$/;

/** The API schema composed from the subgraphs now, as gateway/api-schema.graphql holds it. */
export const composedApiSchema = () => `${composeFromConfig(supergraphConfig).apiSchemaSdl}\n`;

/** What changed from one API schema (SDL) to another, as @graphql-inspector/core sees it. */
export const schemaChanges = (from: string, to: string) => diff(buildSchema(from), buildSchema(to));

/** How the changelog names a change: its inspector type and path. */
export const changeKey = (c: Change) => `\`${c.type}\` \`${c.path ?? '(schema)'}\``;

const isBreaking = (c: Change) => c.criticality.level !== CriticalityLevel.NonBreaking;

/** The "## Unreleased" section: its lines' range, and its entries (key → note). */
function unreleasedSection(changelog: string) {
  const lines = changelog.split('\n');
  const start = lines.findIndex((l) => l.trim() === UNRELEASED);
  if (start < 0) throw new Error(`schema/CHANGELOG.md has no "${UNRELEASED}" heading`);
  const next = lines.findIndex((l, i) => i > start && l.startsWith('## '));
  const end = next < 0 ? lines.length : next;
  const entries = new Map<string, string>();
  const malformed: string[] = [];
  for (const line of lines.slice(start + 1, end)) {
    if (!line.startsWith('- ')) continue; // prose and comments are free
    const m = ENTRY.exec(line.trim());
    if (m && m[2]!.trim()) entries.set(m[1]!, m[2]!.trim());
    else malformed.push(line);
  }
  return { lines, start, end, entries, malformed };
}

export interface RecordCheck {
  /** Breaking changes with no entry: the lines to add under "## Unreleased". */
  unrecorded: string[];
  /** Entries naming no breaking change (any more). */
  stale: string[];
  /** "- " lines that are not `- \`TYPE\` \`path\`: note`. */
  malformed: string[];
}

/** Whether every breaking change is recorded under "## Unreleased", and nothing else is. */
export function checkRecorded(changes: readonly Change[], changelog: string): RecordCheck {
  const { entries, malformed } = unreleasedSection(changelog);
  const breaking = changes.filter(isBreaking);
  const keys = new Set(breaking.map(changeKey));
  return {
    unrecorded: breaking.filter((c) => !entries.has(changeKey(c))).map((c) => `- ${changeKey(c)}: <what clients do instead> (${c.message})`),
    stale: [...entries.keys()].filter((k) => !keys.has(k)),
    malformed,
  };
}

/** Deprecated fields, arguments, input fields and enum values whose reason is missing or blank. */
export function deprecationsWithoutReason(schema: GraphQLSchema): string[] {
  const missing: string[] = [];
  // A bare @deprecated reads as graphql-js's default reason: that says nothing either.
  const check = (coordinate: string, reason: string | null | undefined) => {
    if (reason != null && (!reason.trim() || reason === DEFAULT_DEPRECATION_REASON)) missing.push(coordinate);
  };
  for (const type of Object.values(schema.getTypeMap())) {
    if (isIntrospectionType(type)) continue;
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        check(`${type.name}.${field.name}`, field.deprecationReason);
        for (const arg of field.args) check(`${type.name}.${field.name}(${arg.name}:)`, arg.deprecationReason);
      }
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) check(`${type.name}.${field.name}`, field.deprecationReason);
    } else if (isEnumType(type)) {
      for (const value of type.getValues()) check(`${type.name}.${value.name}`, value.deprecationReason);
    }
  }
  return missing;
}

/**
 * The changelog after publishing `changes` on `date` (YYYY-MM-DD): a section for them right
 * under "## Unreleased" (newest first), breaking changes carrying their recorded notes, and
 * Unreleased emptied. `changes` null: the first publication.
 */
export function publishedChangelog(changelog: string, changes: readonly Change[] | null, date: string): string {
  const { lines, start, end, entries } = unreleasedSection(changelog);
  let heading = `## ${date}`;
  for (let n = 2; lines.includes(heading); n++) heading = `## ${date} (${n})`;
  const body: string[] = [];
  if (!changes) body.push('First published API schema.');
  else {
    const group = (title: string, level: CriticalityLevel) => {
      const list = changes.filter((c) => c.criticality.level === level);
      if (!list.length) return;
      body.push(`### ${title}`, '');
      for (const c of list) {
        const note = level !== CriticalityLevel.NonBreaking ? `${entries.get(changeKey(c)) ?? 'not recorded'} (${c.message})` : c.message;
        body.push(`- ${changeKey(c)}: ${note}`);
      }
      body.push('');
    };
    group('Breaking', CriticalityLevel.Breaking);
    group('Dangerous', CriticalityLevel.Dangerous);
    group('Safe', CriticalityLevel.NonBreaking);
    body.pop();
  }
  const rest = lines.slice(end);
  return [...lines.slice(0, start + 1), '', heading, '', ...body, ...(rest.length ? ['', ...rest] : [''])].join('\n');
}
