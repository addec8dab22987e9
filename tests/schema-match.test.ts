// The migrated database (tests/global-setup.ts applies prisma/migrations) must be exactly what
// the Prisma schema (prisma/schema/*.prisma) describes. Red here means it changed without a migration, or a
// migration was hand-written to something else: add/fix prisma/migrations/<timestamp>_<name>/.
import { beforeAll, describe, expect, it } from 'vitest';
import { readDbShape, type DbShape } from './support/db-shape.ts';
import { expectedShape, loadDatamodel, readSchemaFiles } from './support/dmmf.ts';
import { testEnv } from './env.ts';

const expected = expectedShape(loadDatamodel());
let actual: DbShape;

beforeAll(async () => {
  actual = await readDbShape(testEnv().DATABASE_URL);
});

it('has exactly the tables of the Prisma schema (plus _prisma_migrations)', () => {
  expect(Object.keys(actual.tables).sort()).toEqual(Object.keys(expected.tables).sort());
});

it('has exactly the enums of the Prisma schema, with their values in order', () => {
  expect(actual.enums).toEqual(expected.enums);
});

describe.each(Object.keys(expected.tables).sort())('table %s', (table) => {
  const want = expected.tables[table]!;
  const got = () => actual.tables[table] ?? { columns: {}, primaryKey: null, indexes: {}, foreignKeys: {} };

  it('has the same columns, types, nullability and defaults', () => {
    expect(got().columns).toEqual(want.columns);
  });
  it('has the same primary key', () => {
    expect(got().primaryKey).toEqual(want.primaryKey);
  });
  it('has the same indexes and unique constraints, under Prisma names', () => {
    expect(got().indexes).toEqual(want.indexes);
  });
  it('has the same foreign keys and referential actions', () => {
    expect(got().foreignKeys).toEqual(want.foreignKeys);
  });
});

it('derives the expected shape from the real DMMF (sanity check of the helper)', () => {
  const users = expected.tables.users!;
  expect(users.columns.id).toEqual({ type: 'uuid', nullable: false, default: 'none' });
  expect(users.columns.display_name).toEqual({ type: 'character varying(60)', nullable: true, default: 'none' });
  expect(users.columns.password_hash).toEqual({ type: 'text', nullable: false, default: 'none' });
  expect(users.columns.created_at).toEqual({ type: 'timestamp(3) with time zone', nullable: false, default: 'now' });
  expect(expected.tables.refresh_tokens!.columns.token_hash!.type).toBe('character(64)');
  expect(expected.tables.refresh_tokens!.foreignKeys.refresh_tokens_user_id_fkey).toMatchObject({ onDelete: 'Cascade', onUpdate: 'Cascade' });
});

// Guards the guard: the same comparison must turn red for schema changes without a migration.
describe('drift detection', () => {
  // The files joined: one text is the same schema to Prisma.
  const schemaText = readSchemaFiles().map(([, text]) => text).join('\n');
  const shapeOf = (text: string) => expectedShape(loadDatamodel(text));

  it('notices a new column', () => {
    const drifted = schemaText.replace(/^(model User \{\n)/m, '$1  zzDriftProbe Int?\n');
    expect(drifted).not.toBe(schemaText);
    expect(shapeOf(drifted).tables.users!.columns).not.toEqual(actual.tables.users!.columns);
  });

  it('notices a new model', () => {
    const drifted = `${schemaText}\nmodel DriftProbe {\n  id Int @id\n}\n`;
    expect(Object.keys(shapeOf(drifted).tables).sort()).not.toEqual(Object.keys(actual.tables).sort());
  });

  it('notices a new index', () => {
    const drifted = schemaText.replace(/^( *@@map\("users"\))/m, '  @@index([bio])\n$1');
    expect(drifted).not.toBe(schemaText);
    expect(shapeOf(drifted).tables.users!.indexes).not.toEqual(actual.tables.users!.indexes);
  });
});
