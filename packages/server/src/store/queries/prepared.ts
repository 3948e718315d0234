/**
 * Statements compiled by Kysely once per dialect and then run with new values: on the token
 * endpoint's hot paths (refresh rotation, code redemption), building and compiling a query
 * through Kysely each time cost more than SQLite took to run it. `build` names each value with
 * `param(name)`. The same compiled text runs through Kysely (root database or transaction,
 * either dialect) or, on SQLite's root database, straight on the connection (../dialects/sqlite.ts
 * `syncSqlite`).
 */
import { type Compilable, CompiledQuery, type QueryResult } from 'kysely';
import type { StoreDialect } from '../schema.js';
import type { Db } from './shared.js';

type Slot<K> = { name: K } | { value: unknown };

export interface Prepared<K extends string> {
  execute(
    db: Db,
    dialect: StoreDialect,
    values: Readonly<Record<K, unknown>>,
  ): Promise<QueryResult<Record<string, unknown>>>;
  /** The compiled text and its parameters in order, for the synchronous SQLite path. */
  compile(
    db: Db,
    dialect: StoreDialect,
    values: Readonly<Record<K, unknown>>,
  ): { sql: string; params: unknown[] };
}

const PREFIX = '\u0000param:';

export function prepared<K extends string>(
  build: (db: Db, param: (name: K) => string) => Compilable,
): Prepared<K> {
  const compiled = new Map<StoreDialect, { sql: string; slots: Slot<K>[] }>();
  const compile = (db: Db, dialect: StoreDialect, values: Readonly<Record<K, unknown>>) => {
    let query = compiled.get(dialect);
    if (!query) {
      const c = build(db, (name) => `${PREFIX}${name}`).compile();
      // Named values are filled in per call; any other parameter (a literal null) stays as compiled.
      const slots = c.parameters.map(
        (p): Slot<K> =>
          typeof p === 'string' && p.startsWith(PREFIX)
            ? { name: p.slice(PREFIX.length) as K }
            : { value: p },
      );
      query = { sql: c.sql, slots };
      compiled.set(dialect, query);
    }
    return {
      sql: query.sql,
      params: query.slots.map((slot) => ('name' in slot ? values[slot.name] : slot.value)),
    };
  };
  return {
    compile,
    execute(db, dialect, values) {
      const { sql, params } = compile(db, dialect, values);
      return db.executeQuery<Record<string, unknown>>(CompiledQuery.raw(sql, params));
    },
  };
}
