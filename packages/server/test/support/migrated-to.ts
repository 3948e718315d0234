/**
 * A raw database migrated up to a given migration, for tests of a later migration on data
 * written before it: write rows the old way through `db`, destroy it, then open a Store on
 * `options` and migrate to the latest. The database (file or PostgreSQL schema) is removed by
 * `cleanup()`.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { openPostgres } from '../../src/store/dialects/postgres.js';
import { openSqlite } from '../../src/store/dialects/sqlite.js';
import { migratorFor } from '../../src/store/migrations/index.js';
import type { openStore } from '../../src/store/open.js';
import type { Database } from '../../src/store/schema.js';
import { type Dialect, TEST_DATABASE_URL } from './stores.js';

export interface MigratedTo {
  db: Kysely<Database>;
  /** How to open a Store on the same database. */
  options: Parameters<typeof openStore>[0];
  /** Another raw connection to the same database (closed by cleanup). */
  reopen(): Promise<Kysely<Database>>;
  cleanup(): Promise<void>;
}

export async function migratedTo(dialect: Dialect, migration: string): Promise<MigratedTo> {
  const closers: (() => Promise<void>)[] = [];
  const cleanup = async () => {
    for (const close of closers.splice(0).reverse()) await close();
  };
  let options: MigratedTo['options'];
  let open: () => Promise<Kysely<Database>>;
  if (dialect === 'sqlite') {
    const dir = await mkdtemp(join(tmpdir(), `tessera-${migration}-`));
    closers.push(() => rm(dir, { recursive: true, force: true }));
    const sqlitePath = join(dir, 'tessera.db');
    options = { sqlitePath };
    open = async () => openSqlite(sqlitePath);
  } else {
    const postgresSchema = `test_${migration}_${randomBytes(6).toString('hex')}`;
    closers.push(async () => {
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      await client.query(`drop schema if exists "${postgresSchema}" cascade`);
      await client.end();
    });
    options = { databaseUrl: TEST_DATABASE_URL, postgresSchema };
    open = () => openPostgres(TEST_DATABASE_URL, postgresSchema);
  }
  const db = await open();
  const migrator = await migratorFor(db as Kysely<unknown>, dialect);
  const { error } = await migrator.migrateTo(migration);
  if (error !== undefined) {
    await db.destroy();
    await cleanup();
    throw error;
  }
  return {
    db,
    options,
    async reopen() {
      const other = await open();
      closers.push(() => other.destroy());
      return other;
    },
    cleanup,
  };
}
