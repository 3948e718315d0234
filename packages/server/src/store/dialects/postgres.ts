/**
 * PostgreSQL through a pg Pool. int8 columns (times in epoch ms, journal counters, counts)
 * are parsed to numbers: every such value stays below 2^53. The parser is set on this pool
 * only, not on pg's process-wide registry. An optional schema is put first on every
 * connection's search_path and created if missing.
 */
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from '../schema.js';

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

const getTypeParser = ((oid: number, format?: 'text' | 'binary') =>
  oid === pg.types.builtins.INT8 && format !== 'binary'
    ? (value: string) => Number(value)
    : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser;

export async function openPostgres(url: string, schema: string | undefined): Promise<Kysely<Database>> {
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new TypeError(`postgresSchema must be a plain identifier, got ${JSON.stringify(schema)}`);
  }
  const pool = new pg.Pool({
    connectionString: url,
    types: { getTypeParser },
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
  });
  // An idle client that loses its connection is dropped by the pool and replaced on next use;
  // without a listener the 'error' event would crash the process instead.
  pool.on('error', () => {});
  if (schema !== undefined) {
    try {
      await pool.query(`create schema if not exists "${schema}"`);
    } catch (err) {
      // Two processes creating it at once: the loser sees a unique violation; the schema exists.
      if ((err as { code?: unknown }).code !== '23505') {
        await pool.end();
        throw err;
      }
    }
  }
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
