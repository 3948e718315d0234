/**
 * Real stores for tests, one per dialect, each fresh and migrated.
 *
 * - SQLite: a new file in a new directory under the OS temp dir.
 * - PostgreSQL: `TESSERA_TEST_DATABASE_URL` (default postgres://postgres@127.0.0.1:5432/test),
 *   in a new schema per store, dropped with everything in it by `cleanup()`.
 *
 * When PostgreSQL cannot be reached its suites are skipped with a loud `SKIPPED:` line, unless
 * `TESSERA_REQUIRE_POSTGRES=1`, which turns the skip into a failure (CI sets it).
 *
 * @example
 * describeDialects('users API', (dialect) => {
 *   const store = useTestStore(dialect); // fresh store before each test, cleaned up after
 *   it('round-trips', async () => {
 *     await store().insertUser(user);
 *   });
 * });
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, beforeEach, describe, it } from 'vitest';
import type { Store } from '../../src/core/ports.js';
import { openStore } from '../../src/store/open.js';

export const DIALECTS = ['sqlite', 'postgres'] as const;
export type Dialect = (typeof DIALECTS)[number];

export const TEST_DATABASE_URL =
  process.env.TESSERA_TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

export interface TestStore {
  store: Store;
  /** Where the data lives: the SQLite file, or the PostgreSQL schema in TEST_DATABASE_URL. */
  location: { dialect: 'sqlite'; sqlitePath: string } | { dialect: 'postgres'; postgresSchema: string };
  /** Opens another Store on the same database (a second connection or pool), migrated. */
  reopen(): Promise<Store>;
  /** Closes every store opened here and deletes the database (file or schema). */
  cleanup(): Promise<void>;
}

let probe: Promise<boolean> | undefined;

/** Whether TEST_DATABASE_URL accepts connections; probed once per test file. */
export function postgresAvailable(): Promise<boolean> {
  probe ??= (async () => {
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 3000 });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.query('select 1');
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => {});
    }
  })();
  return probe;
}

/** A fresh, migrated store of the dialect. Call `cleanup()` when done. */
export async function openTestStore(dialect: Dialect): Promise<TestStore> {
  const opened: Store[] = [];
  const open = async (options: Parameters<typeof openStore>[0]) => {
    // Tests catch misuse of the root store inside a transaction (off in the server for speed).
    const store = await openStore({ ...options, guardTransactions: true });
    opened.push(store);
    await store.migrate();
    return store;
  };
  const closeAll = () => Promise.all(opened.splice(0).map((store) => store.close()));

  if (dialect === 'sqlite') {
    const dir = await mkdtemp(join(tmpdir(), 'tessera-test-'));
    const sqlitePath = join(dir, 'tessera.db');
    return {
      store: await open({ sqlitePath }),
      location: { dialect, sqlitePath },
      reopen: () => open({ sqlitePath }),
      async cleanup() {
        await closeAll();
        await rm(dir, { recursive: true, force: true });
      },
    };
  }

  const postgresSchema = `test_${process.pid}_${randomBytes(6).toString('hex')}`;
  const options = { databaseUrl: TEST_DATABASE_URL, postgresSchema };
  return {
    store: await open(options),
    location: { dialect, postgresSchema },
    reopen: () => open(options),
    async cleanup() {
      await closeAll();
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      try {
        await client.query(`drop schema if exists "${postgresSchema}" cascade`);
      } finally {
        await client.end();
      }
    },
  };
}

/**
 * Declares the suite once per dialect, named `<name> [<dialect>]`. `fn` registers tests as in
 * a `describe` body. PostgreSQL suites skip loudly when the database is unreachable (fail
 * instead with TESSERA_REQUIRE_POSTGRES=1).
 */
export function describeDialects(
  name: string,
  fn: (dialect: Dialect) => void,
  dialects: readonly Dialect[] = DIALECTS,
): void {
  for (const dialect of dialects) {
    describe(`${name} [${dialect}]`, async () => {
      if (dialect === 'postgres' && !(await postgresAvailable())) {
        if (process.env.TESSERA_REQUIRE_POSTGRES === '1') {
          throw new Error(
            `PostgreSQL is required (TESSERA_REQUIRE_POSTGRES=1) but ${TEST_DATABASE_URL} is unreachable`,
          );
        }
        console.warn(`SKIPPED: PostgreSQL store tests — cannot reach ${TEST_DATABASE_URL} (${name})`);
        it.skip(`PostgreSQL unreachable at ${TEST_DATABASE_URL}`, () => {});
        return;
      }
      fn(dialect);
    });
  }
}

/** A fresh store for each test of the enclosing suite: `const store = useTestStore(dialect)`. */
export function useTestStore(dialect: Dialect): () => Store {
  let current: TestStore | undefined;
  beforeEach(async () => {
    current = await openTestStore(dialect);
  });
  afterEach(async () => {
    await current?.cleanup();
    current = undefined;
  });
  return () => {
    if (current === undefined) throw new TypeError('useTestStore(): the store exists only while a test runs');
    return current.store;
  };
}
