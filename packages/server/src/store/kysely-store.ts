/**
 * The one Store: the Queries of `queries/` bound to the root database, plus transactions and
 * migrations. The same code serves SQLite and PostgreSQL; `open.ts` picks the dialect.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { type Kysely, Migrator, sql } from 'kysely';
import { TesseraError } from '../core/errors.js';
import type { Store } from '../core/ports.js';
import { StaticMigrationProvider } from './migrations/index.js';
import { queries } from './queries/index.js';
import type { Database, StoreDialect } from './schema.js';

export function createKyselyStore(db: Kysely<Database>, dialect: StoreDialect): Store {
  // A transaction() started inside another one's fn would wait forever on SQLite (its single
  // connection is held by the outer one) and escape the outer transaction on PostgreSQL.
  const inTransaction = new AsyncLocalStorage<boolean>();

  return {
    dialect,
    ...queries(db, dialect),

    async transaction(fn) {
      if (inTransaction.getStore() === true) {
        throw new TypeError('store.transaction() cannot be nested: use the tx passed to fn');
      }
      return inTransaction.run(true, () => db.transaction().execute((trx) => fn(queries(trx, dialect))));
    },

    async migrate() {
      // Kysely finds its bookkeeping tables by name in any schema; pin them to ours so that
      // several schemas of one PostgreSQL database (tests, tenants) do not see each other's.
      const schema =
        dialect === 'postgres'
          ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema
          : undefined;
      const migrator = new Migrator({
        db,
        provider: new StaticMigrationProvider(dialect),
        ...(schema === undefined ? {} : { migrationTableSchema: schema }),
      });
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

    close: () => db.destroy(),
  };
}
