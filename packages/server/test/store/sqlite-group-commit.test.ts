/**
 * Group commit on SQLite's synchronous path (src/store/dialects/sqlite.ts, SyncSqlite.writeSoon):
 * the writes of one event-loop turn share one transaction, each undone alone when it throws,
 * committed before any caller hears back; a write lock held by another connection is waited
 * for turn by turn, and an async transaction on the same connection sends callers elsewhere.
 * Reads of one turn (SyncSqlite.readSoon) go together, before the turn's writes.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { type Kysely, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqlite, SQLITE_BUSY, type SyncSqlite, syncSqlite } from '../../src/store/dialects/sqlite.js';
import type { Database } from '../../src/store/schema.js';

describe('SQLite group commit (SyncSqlite.writeSoon, readSoon)', () => {
  let dir: string;
  let db: Kysely<Database>;
  let fast: SyncSqlite;
  let other: InstanceType<typeof Sqlite>;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tessera-group-commit-'));
    db = openSqlite(join(dir, 'db.sqlite'));
    await sql`create table t (k text primary key, v integer not null)`.execute(db);
    fast = syncSqlite(db) as SyncSqlite;
    // A second connection to the same file: another worker process, as far as locks go.
    other = new Sqlite(join(dir, 'db.sqlite'));
  });
  afterEach(async () => {
    other.close();
    await db.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  const insert = (k: string, v: number) => () => fast.run('insert into t (k, v) values (?, ?)', [k, v]);
  const rows = () => other.prepare('select k, v from t order by k').all();
  const commits = () => (other.prepare('pragma data_version').get() as { data_version: number }).data_version;

  it("commits one turn's writes in one transaction, each answered with its own result", async () => {
    const before = commits();
    const results = await Promise.all([
      fast.writeSoon(insert('a', 1)),
      fast.writeSoon(insert('b', 2)),
      fast.writeSoon(() => 'three'),
    ]);
    expect(results).toEqual([1, 1, 'three']);
    expect(rows()).toEqual([
      { k: 'a', v: 1 },
      { k: 'b', v: 2 },
    ]);
    // data_version moves once per commit seen from another connection.
    expect(commits() - before).toBe(1);
  });

  it('undoes a write that throws, alone: the others of its batch are committed', async () => {
    const failing = () => {
      fast.run('insert into t (k, v) values (?, ?)', ['c', 3]);
      fast.run('insert into t (k, v) values (?, ?)', ['a', 9]); // duplicate key: throws
    };
    await fast.writeSoon(insert('a', 1));
    const [before, thrown, after] = await Promise.allSettled([
      fast.writeSoon(insert('b', 2)),
      fast.writeSoon(failing),
      fast.writeSoon(insert('d', 4)),
    ]);
    expect(before).toEqual({ status: 'fulfilled', value: 1 });
    expect(thrown.status).toBe('rejected');
    expect(String((thrown as PromiseRejectedResult).reason)).toContain('UNIQUE');
    expect(after).toEqual({ status: 'fulfilled', value: 1 });
    // 'c' went with the failing write; nothing of it remains.
    expect(rows()).toEqual([
      { k: 'a', v: 1 },
      { k: 'b', v: 2 },
      { k: 'd', v: 4 },
    ]);
  });

  it('waits turn by turn while another connection holds the write lock, then commits', async () => {
    other.prepare('begin immediate').run();
    const pending = fast.writeSoon(insert('a', 1));
    let settled = false;
    void pending.then(() => {
      settled = true;
    });
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    const joined = fast.writeSoon(insert('b', 2));
    other.prepare('commit').run();
    expect(await pending).toBe(1);
    expect(await joined).toBe(1);
    expect(rows()).toHaveLength(2);
  });

  it('gives up with SQLITE_BUSY after its retries, writing nothing', async () => {
    other.prepare('begin immediate').run();
    try {
      expect(await fast.writeSoon(insert('a', 1))).toBe(SQLITE_BUSY);
    } finally {
      other.prepare('commit').run();
    }
    expect(rows()).toEqual([]);
  });

  it('answers SQLITE_BUSY while an async transaction has the connection, so callers wait their turn there', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let opened!: () => void;
    const open = new Promise<void>((resolve) => {
      opened = resolve;
    });
    const tx = db.transaction().execute(async (trx) => {
      await sql`insert into t (k, v) values ('x', 0)`.execute(trx);
      opened();
      await held;
      throw new Error('roll back');
    });
    await open;
    expect(await fast.writeSoon(insert('a', 1))).toBe(SQLITE_BUSY);
    release();
    await expect(tx).rejects.toThrow('roll back');
    expect(rows()).toEqual([]);
  });

  const read = (k: string) => () => fast.get('select v from t where k = ?', [k])?.v;

  it("answers a turn's reads before its writes: a read sees committed rows only", async () => {
    await fast.writeSoon(insert('a', 1));
    const [before, written, stillBefore] = await Promise.all([
      fast.readSoon(read('b')),
      fast.writeSoon(insert('b', 2)),
      fast.readSoon(read('b')),
    ]);
    expect([before, written, stillBefore]).toEqual([undefined, 1, undefined]);
    expect(await fast.readSoon(read('b'))).toBe(2);
    expect(await Promise.all([fast.readSoon(read('a')), fast.readSoon(read('b'))])).toEqual([1, 2]);
  });

  it('reads at once while another connection holds the write lock; writes of the turn wait', async () => {
    await fast.writeSoon(insert('a', 1));
    other.prepare('begin immediate').run();
    other.prepare("insert into t (k, v) values ('z', 26)").run();
    const write = fast.writeSoon(insert('b', 2));
    let written = false;
    void write.then(() => {
      written = true;
    });
    // Uncommitted rows of the lock holder are not seen; committed ones are.
    expect(await Promise.all([fast.readSoon(read('a')), fast.readSoon(read('z'))])).toEqual([1, undefined]);
    expect(written).toBe(false);
    other.prepare('commit').run();
    expect(await write).toBe(1);
    expect(await fast.readSoon(read('z'))).toBe(26);
  });

  it('rejects a read that throws, alone', async () => {
    await fast.writeSoon(insert('a', 1));
    const [bad, good, write] = await Promise.allSettled([
      fast.readSoon(() => fast.get('select nope from t', [])),
      fast.readSoon(read('a')),
      fast.writeSoon(insert('b', 2)),
    ]);
    expect(bad.status).toBe('rejected');
    expect(good).toEqual({ status: 'fulfilled', value: 1 });
    expect(write).toEqual({ status: 'fulfilled', value: 1 });
  });

  it('rejects every write of a batch whose COMMIT fails, and keeps serving', async () => {
    // A deferred foreign-key violation is reported by COMMIT, not by the statement.
    await sql`create table child (k text not null references t(k))`.execute(db);
    await fast.writeSoon(() => fast.run('pragma defer_foreign_keys = on', []));
    const [orphan, fine] = await Promise.allSettled([
      fast.writeSoon(() => {
        fast.run('pragma defer_foreign_keys = on', []);
        return fast.run("insert into child (k) values ('nobody')", []);
      }),
      fast.writeSoon(insert('a', 1)),
    ]);
    expect(orphan.status).toBe('rejected');
    expect(fine.status).toBe('rejected');
    expect(rows()).toEqual([]);
    expect(await fast.writeSoon(insert('b', 2))).toBe(1);
    expect(rows()).toEqual([{ k: 'b', v: 2 }]);
  });
});
