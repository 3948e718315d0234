/**
 * Multi-row INSERTs without query-builder work per row: the statement for a table and a row
 * count is compiled by Kysely once (so each dialect gets its own placeholders) and reused with
 * the rows' values as parameters. A SCIM Bulk request writes up to 1,000 users, their emails,
 * audit rows and events this way; building each statement through Kysely's values() cost more
 * than SQLite took to run it. With SQLite's statement cache (dialects/sqlite.ts) the text of a
 * full chunk is also prepared once.
 */
import { CompiledQuery } from 'kysely';
import type { Database } from '../schema.js';
import { chunks, type Db } from './shared.js';

/** SQL text per adapter (one per dialect), table and row count. */
const statements = new WeakMap<object, Map<string, string>>();

/** Inserts `rows` (objects with the same keys) into `table`, in order, in chunks. */
export async function insertRows<T extends keyof Database & string>(
  db: Db,
  table: T,
  rows: readonly Record<string, unknown>[],
  returning?: string,
): Promise<Record<string, unknown>[]> {
  const first = rows[0];
  if (first === undefined) return [];
  const columns = Object.keys(first);
  const adapter = db.getExecutor().adapter;
  const texts = statements.get(adapter) ?? new Map<string, string>();
  statements.set(adapter, texts);
  const out: Record<string, unknown>[] = [];
  for (const part of chunks(rows)) {
    const key = `${table}\0${columns.join(',')}\0${part.length}\0${returning ?? ''}`;
    let text = texts.get(key);
    if (text === undefined) {
      const placeholder = Object.fromEntries(columns.map((column) => [column, null]));
      // biome-ignore lint/suspicious/noExplicitAny: one statement shape for any table's columns
      let query: any = db.insertInto(table).values(part.map(() => placeholder) as never);
      if (returning !== undefined) query = query.returning(returning);
      text = (query.compile() as CompiledQuery).sql;
      texts.set(key, text);
    }
    const parameters: unknown[] = [];
    for (const row of part) for (const column of columns) parameters.push(row[column]);
    const result = await db.executeQuery(CompiledQuery.raw(text, parameters));
    out.push(...(result.rows as Record<string, unknown>[]));
  }
  return out;
}
