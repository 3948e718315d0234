/**
 * Every migration, listed in code rather than found by scanning a folder, so the compiled
 * `dist/` runs them without knowing where its source files are. Kysely applies them in
 * name order; names never change once released.
 */
import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';
import type { StoreDialect } from '../schema.js';
import { initial } from './0001-initial.js';
import { scim } from './0002-scim.js';
import { accounts } from './0003-accounts.js';
import { authorization } from './0004-authorization.js';
import { refresh } from './0005-refresh.js';
import { device } from './0006-device.js';
import { refreshFamiliesOnly } from './0007-refresh-families-only.js';

export function migrations(dialect: StoreDialect): Record<string, Migration> {
  return {
    '0001_initial': initial(dialect),
    '0002_scim': scim(dialect),
    '0003_accounts': accounts(dialect),
    '0004_authorization': authorization(dialect),
    '0005_refresh': refresh(dialect),
    '0006_device': device(dialect),
    '0007_refresh_families_only': refreshFamiliesOnly(),
  };
}

export class StaticMigrationProvider implements MigrationProvider {
  readonly #dialect: StoreDialect;

  constructor(dialect: StoreDialect) {
    this.#dialect = dialect;
  }

  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations(this.#dialect);
  }
}

/**
 * Kysely's migrator for this database. Kysely finds its bookkeeping tables by name in any
 * schema; they are pinned to the connection's current schema, so that several schemas of one
 * PostgreSQL database (tests, tenants) do not see each other's.
 */
export async function migratorFor(db: Kysely<unknown>, dialect: StoreDialect): Promise<Migrator> {
  const schema =
    dialect === 'postgres'
      ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema
      : undefined;
  return new Migrator({
    db,
    provider: new StaticMigrationProvider(dialect),
    ...(schema === undefined ? {} : { migrationTableSchema: schema }),
  });
}
