/**
 * The one Store: the Queries of `queries/` bound to the root database, plus transactions and
 * migrations. The same code serves SQLite and PostgreSQL; `open.ts` picks the dialect.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Kysely } from 'kysely';
import { TesseraError } from '../core/errors.js';
import type { Queries, Store } from '../core/ports.js';
import { migratorFor } from './migrations/index.js';
import { queries } from './queries/index.js';
import type { Database, StoreDialect } from './schema.js';

export function createKyselyStore(
  db: Kysely<Database>,
  dialect: StoreDialect,
  options: { guardTransactions?: boolean; watchEvents?: Store['watchEvents'] } = {},
): Store {
  // Using the store itself (rather than the tx) inside a transaction's fn would wait forever on
  // SQLite, whose single connection the transaction holds, and on PostgreSQL would silently
  // work outside the transaction. With guardTransactions (the test suites) both are caught, in
  // every dialect, as a TypeError; see OpenStoreOptions for why the server runs without it.
  const transactionScope = options.guardTransactions ? new AsyncLocalStorage<{ open: boolean }>() : undefined;
  const outsideTransactions = (method: string): void => {
    if (transactionScope?.getStore()?.open === true) {
      throw new TypeError(`store.${method}() called inside store.transaction(): use the tx passed to fn`);
    }
  };
  const all = queries(db, dialect);

  return {
    dialect,
    ...(transactionScope ? guarded(all, outsideTransactions) : all),

    async transaction(fn) {
      const run = () => db.transaction().execute((trx) => fn(queries(trx, dialect)));
      if (!transactionScope) return run();
      outsideTransactions('transaction');
      const scope = { open: true };
      try {
        return await transactionScope.run(scope, run);
      } finally {
        // Work that fn started and that outlives the transaction may use the store again.
        scope.open = false;
      }
    },

    async migrate() {
      const migrator = await migratorFor(db as Kysely<unknown>, dialect);
      const { error, results } = await migrator.migrateToLatest();
      if (error !== undefined) {
        const failed = results?.find((result) => result.status === 'Error')?.migrationName;
        const message = error instanceof Error ? error.message : String(error);
        throw new TesseraError(
          'ERR_INTERNAL',
          `database migration ${failed === undefined ? '' : `${failed} `}failed: ${message}`,
          { cause: error },
        );
      }
    },

    ...(options.watchEvents ? { watchEvents: options.watchEvents } : {}),

    close: () => db.destroy(),
  };
}

/** The same queries, each first calling `check` with its name. */
function guarded(all: Queries, check: (method: string) => void): Queries {
  const wrapped: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(all) as [string, (...args: unknown[]) => unknown][]) {
    wrapped[name] = (...args: unknown[]) => {
      check(name);
      return fn(...args);
    };
  }
  return wrapped as unknown as Queries;
}
