/**
 * Migration 0002 on a store that already has users: their filter documents and lower-cased
 * display names are backfilled, so SCIM filters find users created before SCIM existed.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Kysely, Migrator, sql } from 'kysely';
import pg from 'pg';
import { afterEach, expect, it } from 'vitest';
import { uuidv7 } from '../../src/core/ids.js';
import type { Store } from '../../src/core/ports.js';
import { parseFilter } from '../../src/scim/filter/parse.js';
import { openPostgres } from '../../src/store/dialects/postgres.js';
import { openSqlite } from '../../src/store/dialects/sqlite.js';
import { StaticMigrationProvider } from '../../src/store/migrations/index.js';
import { openStore } from '../../src/store/open.js';
import type { Database } from '../../src/store/schema.js';
import { describeDialects, TEST_DATABASE_URL } from '../support/stores.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describeDialects('migration 0002 backfills SCIM filter columns', (dialect) => {
  it('lets filters find users written before it', async () => {
    let db: Kysely<Database>;
    let options: Parameters<typeof openStore>[0];
    if (dialect === 'sqlite') {
      const dir = await mkdtemp(join(tmpdir(), 'tessera-0002-'));
      cleanups.push(() => rm(dir, { recursive: true, force: true }));
      options = { sqlitePath: join(dir, 'tessera.db') };
      db = openSqlite(options.sqlitePath as string);
    } else {
      const postgresSchema = `test_0002_${randomBytes(6).toString('hex')}`;
      cleanups.push(async () => {
        const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
        await client.connect();
        await client.query(`drop schema if exists "${postgresSchema}" cascade`);
        await client.end();
      });
      options = { databaseUrl: TEST_DATABASE_URL, postgresSchema };
      db = await openPostgres(TEST_DATABASE_URL, postgresSchema);
    }
    const schema =
      dialect === 'postgres'
        ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema
        : undefined;
    const migrator = new Migrator({
      db,
      provider: new StaticMigrationProvider(dialect),
      ...(schema === undefined ? {} : { migrationTableSchema: schema }),
    });
    expect((await migrator.migrateTo('0001_initial')).error).toBeUndefined();
    const id = uuidv7();
    const now = Date.now();
    await sql`insert into users (id, user_name, user_name_lower, external_id, name, display_name, emails, active, aver, version, created_at, updated_at)
      values (${id}, ${'Émile'}, ${'émile'}, ${null}, ${JSON.stringify({ givenName: 'ÉMILE', familyName: 'Zola' })}, ${'Émile Z'},
        ${JSON.stringify([{ value: 'E@Zola.example', type: 'WORK', primary: true }])}, ${1}, ${1}, ${1}, ${now}, ${now})`.execute(
      db,
    );
    await db.destroy();

    const store: Store = await openStore(options);
    cleanups.unshift(() => store.close());
    await store.migrate();
    const find = async (filter: string) =>
      (await store.searchUsers({ filter: parseFilter(filter), offset: 0, limit: 10 })).items.map((u) => u.id);
    expect(await find('name.givenName eq "émile"')).toEqual([id]);
    expect(await find('displayName sw "ÉMILE"')).toEqual([id]);
    expect(await find('emails[type eq "work" and value ew "zola.EXAMPLE"]')).toEqual([id]);
    expect(await find('name.middleName pr or title pr')).toEqual([]);
    expect((await store.getUser(id))?.scim).toBeUndefined();
  });
});
