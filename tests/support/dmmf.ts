// The database shape that the Prisma schema (prisma/schema/*.prisma) asks for, derived from Prisma's own DMMF.
// The DMMF comes from the schema's wasm build that Prisma ships as @prisma/prisma-schema-wasm
// (pinned to the engines commit of our `prisma` version): the generated client's runtime data
// model drops nullability and native types, and parsing the schema text ourselves would drift.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { ColumnShape, DbShape, DefaultKind, ForeignKeyShape, IndexShape, TableShape } from './db-shape.ts';

export const schemaDir = fileURLToPath(new URL('../../prisma/schema/', import.meta.url));

/** The schema's files, `[name, text]`, in name order (Prisma's multi-file schema). */
export function readSchemaFiles(): Array<[string, string]> {
  return readdirSync(schemaDir)
    .filter((f) => f.endsWith('.prisma'))
    .sort()
    .map((f) => [f, readFileSync(path.join(schemaDir, f), 'utf8')]);
}

/** Table names per schema file: `users.prisma` holds the users subgraph's tables, and so on. */
export function tablesByFile(): Record<string, string[]> {
  return Object.fromEntries(
    readSchemaFiles().map(([file, text]) => [file.replace(/\.prisma$/, ''), [...text.matchAll(/@@map\("([^"]+)"\)/g)].map((m) => m[1]!)]),
  );
}

interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: 'scalar' | 'object' | 'enum' | 'unsupported';
  isList: boolean;
  isRequired: boolean;
  type: string;
  nativeType?: [string, string[]] | null;
  hasDefaultValue: boolean;
  default?: unknown;
  relationFromFields?: string[];
  relationToFields?: string[];
  relationOnDelete?: string;
  relationOnUpdate?: string;
}
interface DmmfModel { name: string; dbName: string | null; fields: DmmfField[] }
interface DmmfIndex {
  model: string;
  type: 'id' | 'unique' | 'normal' | 'fulltext';
  dbName?: string | null;
  algorithm?: string;
  fields: Array<{ name: string; sortOrder?: 'asc' | 'desc' }>;
}
interface DmmfEnum { name: string; dbName?: string | null; values: Array<{ name: string; dbName: string | null }> }
export interface Datamodel { models: DmmfModel[]; enums: DmmfEnum[]; indexes: DmmfIndex[] }

export function loadDatamodel(schema: string | Array<[string, string]> = readSchemaFiles()): Datamodel {
  const require = createRequire(import.meta.url);
  const wasm = require('@prisma/prisma-schema-wasm') as { get_dmmf(params: string): string };
  let out: string;
  try {
    out = wasm.get_dmmf(JSON.stringify({ prismaSchema: typeof schema === 'string' ? [['schema.prisma', schema]] : schema }));
  } catch (err) {
    // The wasm throws a JSON string with an ANSI-coloured message; show just the message.
    const raw = err instanceof Error ? err.message : String(err);
    let msg = raw;
    try { msg = (JSON.parse(raw) as { message: string }).message; } catch { /* not JSON: keep raw */ }
    throw new Error(`the Prisma schema does not validate:\n${msg.replace(/\u001b\[[0-9;]*m/g, '')}`, { cause: err });
  }
  return (JSON.parse(out) as { datamodel: Datamodel }).datamodel;
}

// ── Prisma's default constraint names (psl ConstraintNames, Postgres: 63-byte identifiers) ──
const MAX_IDENT = 63;
function truncateBytes(s: string, max: number): string {
  const buf = Buffer.from(s);
  if (buf.length < max) return s;
  let end = max;
  while (end > 0 && (buf[end]! & 0xc0) === 0x80) end--; // stay on a UTF-8 character boundary
  return buf.subarray(0, end).toString();
}
const withSuffix = (base: string, suffix: string) => truncateBytes(base, MAX_IDENT - suffix.length) + suffix;
export const pkName = (table: string) => withSuffix(table, '_pkey');
export const indexName = (table: string, columns: string[], unique: boolean) =>
  withSuffix(`${table}_${columns.join('_')}`, unique ? '_key' : '_idx');
export const fkName = (table: string, columns: string[]) => withSuffix(`${table}_${columns.join('_')}`, '_fkey');

// ── Types: Prisma scalar / native type → Postgres' format_type() spelling ──
const scalarDefaults: Record<string, string> = {
  String: 'text', Boolean: 'boolean', Int: 'integer', BigInt: 'bigint', Float: 'double precision',
  Decimal: 'numeric(65,30)', DateTime: 'timestamp(3) without time zone', Json: 'jsonb', Bytes: 'bytea',
};
const args = (a: string[]) => (a.length ? `(${a.join(',')})` : '');
const nativeTypes: Record<string, (a: string[]) => string> = {
  Text: () => 'text', Char: (a) => `character${args(a.length ? a : ['1'])}`, VarChar: (a) => `character varying${args(a)}`,
  Bit: (a) => `bit${args(a.length ? a : ['1'])}`, VarBit: (a) => `bit varying${args(a)}`,
  Uuid: () => 'uuid', Xml: () => 'xml', Inet: () => 'inet', Citext: () => 'citext',
  Boolean: () => 'boolean', SmallInt: () => 'smallint', Integer: () => 'integer', BigInt: () => 'bigint', Oid: () => 'oid',
  Real: () => 'real', DoublePrecision: () => 'double precision', Decimal: (a) => `numeric${args(a)}`, Money: () => 'money',
  Timestamp: (a) => `timestamp${args(a)} without time zone`, Timestamptz: (a) => `timestamp${args(a)} with time zone`,
  Date: () => 'date', Time: (a) => `time${args(a)} without time zone`, Timetz: (a) => `time${args(a)} with time zone`,
  Json: () => 'json', JsonB: () => 'jsonb', ByteA: () => 'bytea',
};

function columnType(model: DmmfModel, f: DmmfField, enumDbName: Map<string, string>): string {
  let base: string | undefined;
  if (f.kind === 'enum') base = enumDbName.get(f.type);
  else if (f.nativeType) base = nativeTypes[f.nativeType[0]]?.(f.nativeType[1]);
  else base = scalarDefaults[f.type];
  if (!base) {
    throw new Error(`${model.name}.${f.name}: no Postgres type known for ${f.type} ${JSON.stringify(f.nativeType)}; add it to tests/support/dmmf.ts`);
  }
  return f.isList ? `${base}[]` : base;
}

function defaultKind(f: DmmfField): DefaultKind {
  if (!f.hasDefaultValue) return 'none';
  const d = f.default as { name?: string } | undefined;
  const fn = d && typeof d === 'object' && !Array.isArray(d) ? d.name : undefined;
  if (fn === 'now') return 'now';
  if (fn === 'autoincrement' || fn === 'sequence') return 'sequence';
  if (fn && ['uuid', 'cuid', 'nanoid', 'ulid'].includes(fn)) return 'none'; // generated by the client
  return 'value';
}

export function expectedShape(dm: Datamodel): DbShape {
  const enumDbName = new Map(dm.enums.map((e) => [e.name, e.dbName ?? e.name]));
  const models = new Map(dm.models.map((m) => [m.name, m]));
  const table = (m: DmmfModel) => m.dbName ?? m.name;
  const column = (m: DmmfModel, field: string) => {
    const f = m.fields.find((x) => x.name === field);
    if (!f) throw new Error(`${m.name}: no field ${field}`);
    return f.dbName ?? f.name;
  };

  const tables: Record<string, TableShape> = {};
  for (const m of dm.models) {
    const columns: Record<string, ColumnShape> = {};
    const foreignKeys: Record<string, ForeignKeyShape> = {};
    for (const f of m.fields) {
      if (f.kind === 'object') {
        if (f.relationFromFields?.length) {
          const cols = f.relationFromFields.map((n) => column(m, n));
          const target = models.get(f.type)!;
          // DMMF does not expose @relation(map:), so a renamed foreign key shows up as a mismatch here.
          foreignKeys[fkName(table(m), cols)] = {
            columns: cols,
            references: { table: table(target), columns: (f.relationToFields ?? []).map((n) => column(target, n)) },
            onDelete: f.relationOnDelete ?? (f.isRequired ? 'Restrict' : 'SetNull'),
            onUpdate: f.relationOnUpdate ?? 'Cascade',
          };
        } else if (f.isList && models.get(f.type)?.fields.some((o) => o.type === m.name && o.isList && o.kind === 'object')) {
          throw new Error(`${m.name}.${f.name}: implicit many-to-many relations are not supported here; model the join table`);
        }
        continue;
      }
      // Prisma creates list columns without NOT NULL, whatever the field says.
      const nullable = f.isList || !f.isRequired;
      columns[f.dbName ?? f.name] = { type: columnType(m, f, enumDbName), nullable, default: defaultKind(f) };
    }
    tables[table(m)] = { columns, primaryKey: null, indexes: {}, foreignKeys };
  }

  for (const idx of dm.indexes) {
    const m = models.get(idx.model)!;
    const t = tables[table(m)]!;
    const cols = idx.fields.map((f) => column(m, f.name));
    if (idx.type === 'id') {
      t.primaryKey = { name: idx.dbName ?? pkName(table(m)), columns: cols };
    } else if (idx.type === 'unique' || idx.type === 'normal') {
      const unique = idx.type === 'unique';
      const shape: IndexShape = {
        columns: cols.map((c, i) => (idx.fields[i]!.sortOrder === 'desc' ? `${c} DESC` : c)),
        unique,
        method: (idx.algorithm ?? 'BTree').toLowerCase(),
      };
      t.indexes[idx.dbName ?? indexName(table(m), cols, unique)] = shape;
    } else {
      throw new Error(`${m.name}: ${idx.type} indexes do not exist on Postgres`);
    }
  }

  const enums = Object.fromEntries(dm.enums.map((e) => [e.dbName ?? e.name, e.values.map((v) => v.dbName ?? v.name)]));
  return { tables, enums };
}
