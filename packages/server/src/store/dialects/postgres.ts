/**
 * PostgreSQL through a pg Pool. int8 columns (times in epoch ms, journal counters, counts)
 * are parsed to numbers: every such value stays below 2^53. The parser is set on this pool
 * only, not on pg's process-wide registry. An optional schema is put first on every
 * connection's search_path and created if missing.
 */
import {
  type DatabaseIntrospector,
  type DatabaseMetadata,
  Kysely,
  PostgresDialect,
  type SchemaMetadata,
  sql,
  type TableMetadata,
} from 'kysely';
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
  return new Kysely<Database>({ dialect: new ScopedPostgresDialect({ pool }) });
}

/**
 * Kysely's PostgreSQL introspector (which its Migrator uses to find its own tables) scans every
 * schema of the database and calls has_schema_privilege() on each; a schema dropped by someone
 * else during that scan makes the query fail with "schema … does not exist". Tessera's store
 * only ever looks at its own schema, so it introspects just that one: cheaper, and immune to
 * other tenants (or parallel test runs) of the same database.
 */
class ScopedPostgresDialect extends PostgresDialect {
  override createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new CurrentSchemaIntrospector(db);
  }
}

class CurrentSchemaIntrospector implements DatabaseIntrospector {
  readonly #db: Kysely<unknown>;

  constructor(db: Kysely<unknown>) {
    this.#db = db;
  }

  async getSchemas(): Promise<SchemaMetadata[]> {
    const { rows } = await sql<{ name: string }>`select nspname as name from pg_catalog.pg_namespace`.execute(
      this.#db,
    );
    return rows;
  }

  async getTables(): Promise<TableMetadata[]> {
    const { rows } = await sql<{ schema: string; name: string; isView: boolean }>`
      select n.nspname as schema, c.relname as name, c.relkind = 'v' as "isView"
      from pg_catalog.pg_class c
      join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      where n.nspname = current_schema() and c.relkind in ('r', 'v', 'p')`.execute(this.#db);
    return rows.map((row) => ({ ...row, columns: [] }));
  }

  async getMetadata(): Promise<DatabaseMetadata> {
    return { tables: await this.getTables() };
  }
}

/**
 * LISTEN on the events channel over a dedicated connection, calling `onCommit` for every
 * notification from this schema. A lost connection is re-established (every second until it
 * works), and `onCommit` is called once it is back, since notifications sent meanwhile are lost.
 */
export async function watchPostgres(
  url: string,
  schema: string | undefined,
  channel: string,
  onCommit: () => void,
): Promise<() => Promise<void>> {
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;

  const connect = async (): Promise<void> => {
    const next = new pg.Client({
      connectionString: url,
      ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
    });
    const reconnect = () => {
      if (closed || client !== next) return;
      client = undefined;
      next.removeAllListeners();
      next.on('error', () => {});
      next.end().catch(() => {});
      retry = setTimeout(() => void attempt(), 1000);
      retry.unref();
    };
    next.on('error', reconnect);
    next.on('end', reconnect);
    await next.connect();
    const current = (await next.query<{ schema: string }>('select current_schema() as schema')).rows[0]
      ?.schema;
    next.on('notification', (message) => {
      if (message.channel === channel && message.payload === current) onCommit();
    });
    await next.query(`listen ${channel}`);
    client = next;
  };
  const attempt = async () => {
    if (closed) return;
    try {
      await connect();
      onCommit();
    } catch {
      retry = setTimeout(() => void attempt(), 1000);
      retry.unref();
    }
  };

  await connect();
  return async () => {
    closed = true;
    if (retry) clearTimeout(retry);
    const last = client;
    client = undefined;
    if (last) {
      last.removeAllListeners();
      last.on('error', () => {});
      await last.end().catch(() => {});
    }
  };
}
