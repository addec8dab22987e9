// Schema change safety: the API schema composed from the subgraphs now, against the last
// published one (schema/api.graphql). A breaking or dangerous change (@graphql-inspector/core's
// verdict: a removal, a default changed, an enum value added…) must be recorded under "## Unreleased" in schema/CHANGELOG.md; non-breaking ones may land freely
// (`npm run schema:publish` lists them when the schema is next published), so they only get a
// reminder here. Every deprecation says why.
import { readFileSync } from 'node:fs';
import { buildSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import {
  changelogFile,
  checkRecorded,
  composedApiSchema,
  deprecationsWithoutReason,
  publishedChangelog,
  publishedSchemaFile,
  schemaChanges,
} from '../scripts/schema-changes.ts';

const before = `type Query { loop(id: ID!): Loop }
type Loop { id: ID! fps: Int! mode: Mode }
enum Mode { BOUNCE FORWARD }`;
// Loop.fps removed (breaking), Mode.REVERSE added (dangerous), Loop.width added (safe).
const after = `type Query { loop(id: ID!): Loop }
type Loop { id: ID! width: Int mode: Mode }
enum Mode { BOUNCE FORWARD REVERSE }`;
const changelog = (unreleased: string, rest = '') => `# API schema changelog\n\nProse.\n\n## Unreleased\n${unreleased}${rest}`;
const fpsRecord = '- `FIELD_REMOVED` `Loop.fps`: compute it from durationMs and frameCount.\n';
const reverseRecord = '- `ENUM_VALUE_ADDED` `Mode.REVERSE`: treat an unknown mode as BOUNCE.\n';

describe('the change record (rules on small schemas)', () => {
  it('a breaking change must be recorded under Unreleased; the failure gives the line to complete', async () => {
    const changes = await schemaChanges(before, after);
    expect(checkRecorded(changes, changelog(''))).toEqual({
      unrecorded: [
        "- `FIELD_REMOVED` `Loop.fps`: <what clients do instead> (Field 'fps' was removed from object type 'Loop')",
        "- `ENUM_VALUE_ADDED` `Mode.REVERSE`: <what clients do instead> (Enum value 'REVERSE' was added to enum 'Mode')",
      ],
      stale: [],
      malformed: [],
    });
    expect(checkRecorded(changes, changelog(fpsRecord + reverseRecord))).toEqual({ unrecorded: [], stale: [], malformed: [] });
  });

  it('a changed default is recorded too (dangerous: clients relying on it change behaviour)', async () => {
    const withArg = (n: number) => `type Query { loops(first: Int = ${n}): [Int] }`;
    const changes = await schemaChanges(withArg(20), withArg(50));
    expect(checkRecorded(changes, changelog('')).unrecorded).toEqual([expect.stringContaining('`FIELD_ARGUMENT_DEFAULT_CHANGED` `Query.loops.first`')]);
  });

  it('a record under an older heading does not count; a record of no breaking change, or without a note, fails', async () => {
    const changes = await schemaChanges(before, after);
    expect(checkRecorded(changes, changelog(reverseRecord, `\n## 2026-01-01\n\n${fpsRecord}`)).unrecorded).toHaveLength(1);
    const stale = '- `FIELD_REMOVED` `Loop.height`: gone.\n';
    expect(checkRecorded(changes, changelog(fpsRecord + reverseRecord + stale)).stale).toEqual(['`FIELD_REMOVED` `Loop.height`']);
    const noNote = '- `FIELD_REMOVED` `Loop.fps`:\n';
    expect(checkRecorded(changes, changelog(noNote)).malformed).toEqual([noNote.trim()]);
  });

  it('non-breaking changes need no record', async () => {
    const changes = await schemaChanges(after, `${after}\ntype Extra { "New." x: Int }`);
    expect(changes.length).toBeGreaterThan(0);
    expect(checkRecorded(changes, changelog(''))).toEqual({ unrecorded: [], stale: [], malformed: [] });
  });

  it('publishing moves the notes into a dated section (newest first) and empties Unreleased', async () => {
    const changes = await schemaChanges(before, after);
    const older = '\n## 2026-01-01\n\nFirst published API schema.\n';
    const published = publishedChangelog(changelog(`\n${fpsRecord}${reverseRecord}`, older), changes, '2026-02-03');
    expect(published).toBe(changelog('', [
      '',
      '## 2026-02-03',
      '',
      '### Breaking',
      '',
      "- `FIELD_REMOVED` `Loop.fps`: compute it from durationMs and frameCount. (Field 'fps' was removed from object type 'Loop')",
      '',
      '### Dangerous',
      '',
      "- `ENUM_VALUE_ADDED` `Mode.REVERSE`: treat an unknown mode as BOUNCE. (Enum value 'REVERSE' was added to enum 'Mode')",
      '',
      '### Safe',
      '',
      "- `FIELD_ADDED` `Loop.width`: Field 'width' was added to object type 'Loop'",
      older,
    ].join('\n')));
    // Published twice the same day: a second heading of its own.
    expect(publishedChangelog(published, changes, '2026-02-03')).toContain('## 2026-02-03 (2)\n');
  });

  it('a deprecation needs a reason that says something', () => {
    const schema = buildSchema(`
      type Query { a: Int @deprecated  b: Int @deprecated(reason: " ")  c: Int @deprecated(reason: "Use d.")  d(x: Int @deprecated): Int }
      input I { i: Int @deprecated }
      enum E { X @deprecated(reason: "") Y }`);
    expect(deprecationsWithoutReason(schema).sort()).toEqual(['E.X', 'I.i', 'Query.a', 'Query.b', 'Query.d(x:)']);
  });
});

describe('the API schema against schema/api.graphql', () => {
  const composed = composedApiSchema();

  it('every breaking change since the last publication is recorded in schema/CHANGELOG.md, and only those', async () => {
    const changes = await schemaChanges(readFileSync(publishedSchemaFile, 'utf8'), composed);
    const { unrecorded, stale, malformed } = checkRecorded(changes, readFileSync(changelogFile, 'utf8'));
    expect(unrecorded, 'breaking: say under "## Unreleased" in schema/CHANGELOG.md what clients do instead').toEqual([]);
    expect(stale, 'recorded under "## Unreleased" but not a breaking change (any more): remove').toEqual([]);
    expect(malformed, 'entries under "## Unreleased" are - `TYPE` `path`: note').toEqual([]);
    if (changes.length) {
      // Not a failure: the published schema trails until the next release publishes it.
      console.info(`schema/api.graphql: ${changes.length} unpublished change(s); \`npm run schema:publish\` when releasing.`);
    }
  });

  it('every deprecation has a reason', () => {
    expect(deprecationsWithoutReason(buildSchema(composed)), 'give @deprecated(reason: "what to use instead")').toEqual([]);
  });
});
