/**
 * openStore picks the dialect from its options and runs no migrations; migrate() is
 * idempotent and safe when several instances start at once on one fresh database.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import pg from 'pg';
import { afterEach, expect, it } from 'vitest';
import type { Store } from '../../src/core/ports.js';
import { openStore } from '../../src/store/open.js';
import { describeDialects, TEST_DATABASE_URL } from '../support/stores.js';
import { makeUser } from './fixtures.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A path for a SQLite file in directories that do not exist yet, removed after the test. */
async function freshSqlitePath(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-open-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return join(dir, 'nested', 'dir', 'tessera.db');
}

/** Options for a database nobody has used yet, removed after the test. */
async function freshLocation(dialect: 'sqlite' | 'postgres') {
  if (dialect === 'sqlite') return { sqlitePath: await freshSqlitePath() };
  const postgresSchema = `test_open_${randomBytes(6).toString('hex')}`;
  cleanups.push(async () => {
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    await client.query(`drop schema if exists "${postgresSchema}" cascade`);
    await client.end();
  });
  return { databaseUrl: TEST_DATABASE_URL, postgresSchema };
}

async function open(options: Parameters<typeof openStore>[0]): Promise<Store> {
  const store = await openStore(options);
  cleanups.push(() => store.close());
  return store;
}

describeDialects('openStore and migrate', (dialect) => {
  it('opens the right dialect without migrating', async () => {
    const store = await open(await freshLocation(dialect));
    expect(store.dialect).toBe(dialect);
    await expect(store.getMeta('anything')).rejects.toThrow();
    await store.migrate();
    expect(await store.getMeta('anything')).toBeUndefined();
  });

  it('migrates once when several instances start at once, and again as a no-op', async () => {
    const location = await freshLocation(dialect);
    const stores = await Promise.all([1, 2, 3].map(() => open(location)));
    await Promise.all(stores.map((store) => store.migrate()));
    const user = makeUser();
    await stores[0]?.insertUser(user);
    expect(await stores[2]?.getUser(user.id)).toEqual(user);
    await Promise.all(stores.map((store) => store.migrate()));
    expect(await stores[1]?.getUser(user.id)).toEqual(user);
  });
});

it('creates the SQLite file’s directory and puts it in WAL mode', async () => {
  const sqlitePath = await freshSqlitePath();
  const store = await open({ sqlitePath });
  await store.migrate();
  expect(existsSync(sqlitePath)).toBe(true);
  const raw = new Sqlite(sqlitePath, { readonly: true });
  try {
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
  } finally {
    raw.close();
  }
});

it('opens a throw-away in-memory SQLite store', async () => {
  const store = await open({ sqlitePath: ':memory:' });
  await store.migrate();
  await store.setMeta('k', 'v');
  expect(await store.getMeta('k')).toBe('v');
});

it('refuses options that name no usable database', async () => {
  await expect(openStore({})).rejects.toBeInstanceOf(TypeError);
  await expect(openStore({ databaseUrl: 'mysql://localhost/x' })).rejects.toBeInstanceOf(TypeError);
  await expect(
    openStore({ databaseUrl: TEST_DATABASE_URL, postgresSchema: 'bad"name' }),
  ).rejects.toBeInstanceOf(TypeError);
});
