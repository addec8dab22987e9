// `npm run schema:publish`: publishes the API schema composed from the subgraphs now. Copies it
// to schema/api.graphql and adds what changed since the last publication (breaking, dangerous,
// safe: @graphql-inspector/core's verdicts) to schema/CHANGELOG.md under today's date (UTC),
// moving the notes recorded under "## Unreleased" into that section. Refuses, changing nothing,
// while a breaking change is not recorded or a deprecation has no reason: the rules
// tests/schema-changes.test.ts enforces on every change.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildSchema } from 'graphql';
import type { Change } from '@graphql-inspector/core';
import {
  changelogFile,
  checkRecorded,
  composedApiSchema,
  deprecationsWithoutReason,
  publishedChangelog,
  publishedSchemaFile,
  schemaChanges,
} from './schema-changes.ts';

/** A new changelog: how to read and keep it, then its one fixed heading. */
const CHANGELOG_START = `# API schema changelog

What changed in the public API schema that clients see (\`schema/api.graphql\`), newest first.
Each dated section is one publication (\`npm run schema:publish\`) and lists every change
@graphql-inspector/core found since the one before, one line each (change type, path, and
inspector's message), grouped as Breaking, Dangerous (valid for old clients, but they may see
something new, such as an enum value they do not know) and Safe.

The rule, checked by tests/schema-changes.test.ts: every breaking change made since the last
publication is listed under "Unreleased" below before it lands, one line each, saying what
clients should do instead. The change type and path are inspector's; the failing test prints
the line to complete, e.g.

    - \`FIELD_REMOVED\` \`Loop.fps\`: compute it from durationMs and frameCount.

The test also fails on a line there that names no breaking change (any more), so the list stays
true. Other changes need no line: publishing lists them. Deprecate a field before removing it,
with \`@deprecated(reason: "…")\` saying what to use instead (a reason is required).

## Unreleased
`;

function refuse(lines: string[]): never {
  process.stderr.write(`schema:publish: nothing written.\n${lines.join('\n')}\n`);
  process.exit(1);
}

async function main() {
  const composed = composedApiSchema();
  const noReason = deprecationsWithoutReason(buildSchema(composed));
  if (noReason.length) refuse(['Deprecated without a reason (give @deprecated(reason: "…")):', ...noReason]);

  const changelog = existsSync(changelogFile) ? readFileSync(changelogFile, 'utf8') : CHANGELOG_START;
  let changes: Change[] | null = null;
  if (existsSync(publishedSchemaFile)) {
    changes = await schemaChanges(readFileSync(publishedSchemaFile, 'utf8'), composed);
    if (!changes.length) {
      process.stdout.write('schema/api.graphql is the composed API schema already: nothing to publish.\n');
      return;
    }
    const { unrecorded, stale, malformed } = checkRecorded(changes, changelog);
    if (unrecorded.length || stale.length || malformed.length) {
      refuse([
        ...(unrecorded.length ? ['Breaking changes to record under "## Unreleased" in schema/CHANGELOG.md:', ...unrecorded] : []),
        ...(stale.length ? ['Entries under "## Unreleased" that name no breaking change:', ...stale] : []),
        ...(malformed.length ? ['Entries under "## Unreleased" not of the form - `TYPE` `path`: note', ...malformed] : []),
      ]);
    }
  }
  const date = new Date().toISOString().slice(0, 10);
  mkdirSync(path.dirname(publishedSchemaFile), { recursive: true });
  writeFileSync(changelogFile, publishedChangelog(changelog, changes, date));
  writeFileSync(publishedSchemaFile, composed);
  const summary = changes ? `${changes.length} change(s)` : 'first publication';
  process.stdout.write(`published schema/api.graphql; schema/CHANGELOG.md: ${date}, ${summary}\n`);
}

await main();
