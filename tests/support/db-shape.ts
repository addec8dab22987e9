// A database's shape reduced to what the Prisma schema decides (tables, column types, nullability,
// defaults, keys, indexes, enums), read from Postgres' catalogs. tests/support/dmmf.ts derives
// the same shape from schema.prisma, so the two can be compared with one deep equality.
import pg from 'pg';

/** `now` = CURRENT_TIMESTAMP, `sequence` = nextval(...) (autoincrement), `value` = anything else. */
export type DefaultKind = 'none' | 'now' | 'sequence' | 'value';

export interface ColumnShape {
  /** Postgres' own spelling, as format_type() prints it: `character varying(30)`, `text[]`, `"Kind"`→`Kind`. */
  type: string;
  nullable: boolean;
  default: DefaultKind;
}

export interface IndexShape {
  /** Column names in key order, with ` DESC` appended for descending keys. */
  columns: string[];
  unique: boolean;
  /** Access method: btree, hash, gin, gist, spgist, brin. */
  method: string;
}

export interface ForeignKeyShape {
  columns: string[];
  references: { table: string; columns: string[] };
  onDelete: string;
  onUpdate: string;
}

export interface TableShape {
  columns: Record<string, ColumnShape>;
  primaryKey: { name: string; columns: string[] } | null;
  /** Every index except the primary key's, by name. */
  indexes: Record<string, IndexShape>;
  foreignKeys: Record<string, ForeignKeyShape>;
}

export interface DbShape {
  tables: Record<string, TableShape>;
  /** Enum type name → labels in declaration order. */
  enums: Record<string, string[]>;
}

/** Prisma's referential actions, spelled as pg_constraint.confdeltype/confupdtype letters. */
export const referentialAction: Record<string, string> = {
  a: 'NoAction',
  r: 'Restrict',
  c: 'Cascade',
  n: 'SetNull',
  d: 'SetDefault',
};

function defaultKind(expr: string | null): DefaultKind {
  if (expr === null) return 'none';
  if (expr === 'CURRENT_TIMESTAMP' || expr === 'now()') return 'now';
  if (expr.startsWith('nextval(')) return 'sequence';
  return 'value';
}

const unquote = (type: string) => type.replace(/"/g, '');

export async function readDbShape(databaseUrl: string, ignoreTables: string[] = ['_prisma_migrations']): Promise<DbShape> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const tables: Record<string, TableShape> = {};
    const tableOf = (name: string) => (tables[name] ??= { columns: {}, primaryKey: null, indexes: {}, foreignKeys: {} });

    const tableRows = await client.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT (c.relname = ANY($1))`,
      [ignoreTables],
    );
    for (const r of tableRows.rows) tableOf(r.name);

    const columns = await client.query<{ table: string; name: string; type: string; not_null: boolean; default: string | null }>(
      `SELECT c.relname AS table, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
              a.attnotnull AS not_null, pg_get_expr(d.adbin, d.adrelid) AS default
         FROM pg_attribute a
         JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
         LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
          AND NOT (c.relname = ANY($1))`,
      [ignoreTables],
    );
    for (const r of columns.rows) {
      tableOf(r.table).columns[r.name] = { type: unquote(r.type), nullable: !r.not_null, default: defaultKind(r.default) };
    }

    const indexes = await client.query<{ table: string; name: string; primary: boolean; unique: boolean; method: string; columns: string[] }>(
      `SELECT t.relname AS table, i.relname AS name, x.indisprimary AS primary, x.indisunique AS unique, am.amname AS method,
              ARRAY(SELECT a.attname || CASE WHEN (x.indoption[k.ord - 1] & 1) = 1 THEN ' DESC' ELSE '' END
                      FROM unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
                      JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
                     ORDER BY k.ord) AS columns
         FROM pg_index x
         JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace JOIN pg_am am ON am.oid = i.relam
        WHERE n.nspname = 'public' AND NOT (t.relname = ANY($1))`,
      [ignoreTables],
    );
    for (const r of indexes.rows) {
      const table = tableOf(r.table);
      if (r.primary) table.primaryKey = { name: r.name, columns: r.columns };
      else table.indexes[r.name] = { columns: r.columns, unique: r.unique, method: r.method };
    }

    const fks = await client.query<{ table: string; name: string; columns: string[]; ref_table: string; ref_columns: string[]; on_delete: string; on_update: string }>(
      `SELECT t.relname AS table, c.conname AS name, rt.relname AS ref_table,
              ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(attnum, ord)
                      JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum ORDER BY k.ord) AS columns,
              ARRAY(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY k(attnum, ord)
                      JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum ORDER BY k.ord) AS ref_columns,
              c.confdeltype AS on_delete, c.confupdtype AS on_update
         FROM pg_constraint c
         JOIN pg_class t ON t.oid = c.conrelid JOIN pg_class rt ON rt.oid = c.confrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE c.contype = 'f' AND n.nspname = 'public' AND NOT (t.relname = ANY($1))`,
      [ignoreTables],
    );
    for (const r of fks.rows) {
      tableOf(r.table).foreignKeys[r.name] = {
        columns: r.columns,
        references: { table: r.ref_table, columns: r.ref_columns },
        onDelete: referentialAction[r.on_delete] ?? r.on_delete,
        onUpdate: referentialAction[r.on_update] ?? r.on_update,
      };
    }

    const enumRows = await client.query<{ name: string; labels: string[] }>(
      `SELECT t.typname AS name, ARRAY(SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder) AS labels
         FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE t.typtype = 'e' AND n.nspname = 'public'`,
    );
    const enums = Object.fromEntries(enumRows.rows.map((r) => [r.name, r.labels]));
    return { tables, enums };
  } finally {
    await client.end();
  }
}
