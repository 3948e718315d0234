import type { Store } from '../core/ports.js';
import { openPostgres, watchPostgres } from './dialects/postgres.js';
import { openSqlite } from './dialects/sqlite.js';
import { createKyselyStore } from './kysely-store.js';
import { EVENTS_CHANNEL } from './queries/journal.js';

export interface OpenStoreOptions {
  /** A `postgres://` or `postgresql://` URL selects PostgreSQL. */
  databaseUrl?: string;
  /** The SQLite file used when no PostgreSQL URL is given; `:memory:` for a throw-away store. */
  sqlitePath?: string;
  /** PostgreSQL schema to work in (created if missing); the server's default otherwise. */
  postgresSchema?: string;
  /**
   * Throw a TypeError when the root store is used inside `transaction(fn)` (a deadlock on
   * SQLite, a silent escape from the transaction on PostgreSQL). The check rides on
   * AsyncLocalStorage, which turns on promise hooks and taxes every promise in the process
   * (about 6% of token throughput), so the test suites turn it on and the server does not.
   */
  guardTransactions?: boolean;
}

/**
 * Opens the store the options point at. Runs no migrations: call `store.migrate()` (the
 * server does so at start-up, the CLI before its first write).
 */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const { databaseUrl, sqlitePath, postgresSchema, guardTransactions = false } = options;
  if (databaseUrl !== undefined && databaseUrl !== '') {
    if (!/^postgres(ql)?:\/\//i.test(databaseUrl)) {
      throw new TypeError('databaseUrl must be a postgres:// or postgresql:// URL');
    }
    return createKyselyStore(await openPostgres(databaseUrl, postgresSchema), 'postgres', {
      guardTransactions,
      watchEvents: (onCommit) => watchPostgres(databaseUrl, postgresSchema, EVENTS_CHANNEL, onCommit),
    });
  }
  if (sqlitePath === undefined || sqlitePath === '') {
    throw new TypeError('openStore needs a PostgreSQL databaseUrl or a sqlitePath');
  }
  return createKyselyStore(openSqlite(sqlitePath), 'sqlite', { guardTransactions });
}
