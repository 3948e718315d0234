/**
 * SQLite through better-sqlite3, with Kysely's stock dialect changed in two places:
 *
 * - Transactions begin with BEGIN IMMEDIATE, taking the write lock up front. A CLI process
 *   may write the same file while the server runs; a deferred BEGIN that reads first and
 *   writes later fails with SQLITE_BUSY when it tries to upgrade its lock, and busy_timeout
 *   cannot help it. The lock is waited for asynchronously (retry with back-off, busy_timeout
 *   off for that one statement), so a writer waiting in this process never blocks the event
 *   loop — which would also stall a second connection of this process that holds the lock.
 * - Prepared statements are kept (the last STATEMENT_CACHE distinct texts): Kysely prepares every
 *   query it runs, and preparing a long statement (a multi-row INSERT of a SCIM Bulk request)
 *   cost about as much as running it.
 * - The adapter declares transactional DDL (SQLite has it; Kysely's adapter plays it safe).
 *   Kysely's migrator then applies migrations inside one such transaction, which is what
 *   makes concurrent `migrate()` calls safe here: its own lock is a no-op on SQLite.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Sqlite from 'better-sqlite3';
import {
  CompiledQuery,
  type DatabaseConnection,
  type DialectAdapter,
  type Driver,
  Kysely,
  SqliteAdapter,
  SqliteDialect,
  SqliteDriver,
} from 'kysely';
import type { Database } from '../schema.js';

export const BUSY_TIMEOUT_MS = 5000;

type SqliteDatabase = InstanceType<typeof Sqlite>;

export function openSqlite(path: string): Kysely<Database> {
  if (path !== ':memory:' && !path.startsWith('file:')) mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Sqlite(path);
  try {
    sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
  } catch (err) {
    sqlite.close();
    throw err;
  }
  return new Kysely<Database>({ dialect: new ImmediateSqliteDialect(sqlite) });
}

export const STATEMENT_CACHE = 256;

type Statement = ReturnType<SqliteDatabase['prepare']>;

/** The slice of better-sqlite3 Kysely uses, with `prepare` answered from a bounded cache. */
function cachingStatements(sqlite: SqliteDatabase) {
  const cache = new Map<string, Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string): Statement {
      const cached = cache.get(sql);
      // A statement still being iterated (Kysely's streamQuery) cannot run again meanwhile.
      if (cached !== undefined && !cached.busy) {
        cache.delete(sql);
        cache.set(sql, cached);
        return cached;
      }
      const statement = sqlite.prepare(sql);
      if (cached === undefined) {
        cache.set(sql, statement);
        if (cache.size > STATEMENT_CACHE) cache.delete(cache.keys().next().value as string);
      }
      return statement;
    },
  };
}

class ImmediateSqliteDialect extends SqliteDialect {
  readonly #sqlite: SqliteDatabase;

  constructor(sqlite: SqliteDatabase) {
    super({ database: sqlite });
    this.#sqlite = sqlite;
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#sqlite);
  }

  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}

class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

class ImmediateSqliteDriver extends SqliteDriver {
  readonly #sqlite: SqliteDatabase;

  constructor(sqlite: SqliteDatabase) {
    super({ database: cachingStatements(sqlite) });
    this.#sqlite = sqlite;
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    const deadline = Date.now() + BUSY_TIMEOUT_MS;
    for (let pause = 1; ; pause = Math.min(pause * 2, 50)) {
      this.#sqlite.pragma('busy_timeout = 0');
      try {
        await connection.executeQuery(CompiledQuery.raw('begin immediate'));
        return;
      } catch (err) {
        if (!isBusy(err) || Date.now() >= deadline) throw err;
      } finally {
        this.#sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      }
      await sleep(pause * (0.5 + Math.random()));
    }
  }
}

const isBusy = (err: unknown): boolean =>
  typeof err === 'object' &&
  err !== null &&
  typeof (err as { code?: unknown }).code === 'string' &&
  (err as { code: string }).code.startsWith('SQLITE_BUSY');
