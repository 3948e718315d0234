/**
 * SQLite through better-sqlite3, with Kysely's stock dialect changed in these ways:
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
 * - `syncSqlite(db)` runs the token endpoint's hot statements straight on the same connection,
 *   synchronously, when no async transaction is open on it (see SyncSqlite below).
 * - The adapter declares transactional DDL (SQLite has it; Kysely's adapter plays it safe).
 *   Kysely's migrator then applies migrations inside one such transaction, which is what
 *   makes concurrent `migrate()` calls safe here: its own lock is a no-op on SQLite.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { setImmediate } from 'node:timers';
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

/**
 * WAL pages after which a commit also checkpoints (SQLite's default is 1,000, about 4 MiB).
 * A checkpoint copies every page changed since the last one into the database file and syncs
 * it, inside the commit that crosses the mark: on the token endpoint's write rate that was a
 * checkpoint every ~0.1 s. At 10,000 (a WAL of up to ~40 MiB), pages written many times
 * between checkpoints (the tail of each index) are copied once, and fewer syncs land on a
 * request. Measured with 2 workers: code redemptions +7 %, rotations +4 % (medians of 4,
 * docs/benchmarks.md); a memory map of the file (mmap_size) measured slower, so none is set.
 */
export const WAL_AUTOCHECKPOINT_PAGES = 10_000;

type SqliteDatabase = InstanceType<typeof Sqlite>;

export function openSqlite(path: string): Kysely<Database> {
  if (path !== ':memory:' && !path.startsWith('file:')) mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Sqlite(path);
  try {
    sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
  } catch (err) {
    sqlite.close();
    throw err;
  }
  const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect(sqlite) });
  handles.set(db, new SyncSqlite(sqlite));
  return db;
}

/**
 * The synchronous path to the same better-sqlite3 connection, for the few hot statements of
 * the token endpoint (refresh rotation, code redemption): run straight on the connection, a
 * statement costs a few microseconds, where Kysely's async driver (connection mutex, promise
 * turns, and for a transaction its lock wait) cost several times the statement. A transaction
 * here is synchronous from BEGIN IMMEDIATE to COMMIT, so the write lock is held for
 * microseconds and never across an event-loop turn.
 *
 * It is only used when the connection is idle: while an async Kysely transaction is open on it
 * (`inTransaction`), a statement run here would join that transaction, so callers take the
 * Kysely path instead, which waits its turn. Only the root database has one; a transaction's
 * Kysely instance does not, and neither does PostgreSQL.
 */
export function syncSqlite(db: object): SyncSqlite | undefined {
  return handles.get(db);
}

const handles = new WeakMap<object, SyncSqlite>();

/** Returned by `SyncSqlite.write` when the write lock is held by another process. */
export const SQLITE_BUSY: unique symbol = Symbol('SQLITE_BUSY');

/** How many event-loop turns `SyncSqlite.writeSoon` retries a busy write lock. */
const WRITE_RETRIES = 64;

interface Queued {
  fn: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

function attempt(fn: () => unknown): Outcome {
  try {
    return { ok: true, value: fn() };
  } catch (error) {
    return { ok: false, error };
  }
}

/** Answers each queued call with its outcome (in order; a missing one rejects). */
function settle(queued: readonly Queued[], outcomes: readonly Outcome[]): void {
  queued.forEach((call, i) => {
    const outcome = outcomes[i];
    if (outcome?.ok) call.resolve(outcome.value);
    else call.reject(outcome ? outcome.error : new Error('not run'));
  });
}

export class SyncSqlite {
  readonly #sqlite: SqliteDatabase;
  readonly #statements = new Map<string, RawStatement>();
  readonly #begin: RawStatement;
  readonly #beginRead: RawStatement;
  readonly #commit: RawStatement;
  readonly #rollback: RawStatement;
  readonly #savepoint: RawStatement;
  readonly #rollbackToSavepoint: RawStatement;
  readonly #releaseSavepoint: RawStatement;

  constructor(sqlite: SqliteDatabase) {
    this.#sqlite = sqlite;
    this.#begin = sqlite.prepare('begin immediate');
    this.#beginRead = sqlite.prepare('begin');
    this.#commit = sqlite.prepare('commit');
    this.#rollback = sqlite.prepare('rollback');
    this.#savepoint = sqlite.prepare('savepoint batched_write');
    this.#rollbackToSavepoint = sqlite.prepare('rollback to batched_write');
    this.#releaseSavepoint = sqlite.prepare('release batched_write');
  }

  /** Whether statements may run here now: the connection is open and in no transaction. */
  get idle(): boolean {
    return this.#sqlite.open && !this.#sqlite.inTransaction;
  }

  /** One row of a query (statements are prepared once per text; callers pass a fixed few). */
  get(sql: string, params: readonly unknown[]): Record<string, unknown> | undefined {
    return this.#statement(sql).get(params) as Record<string, unknown> | undefined;
  }

  /** Runs a statement; returns how many rows it changed. */
  run(sql: string, params: readonly unknown[]): number {
    return this.#statement(sql).run(params).changes;
  }

  /**
   * A write with group commit: every call made during one event-loop turn runs in the same
   * BEGIN IMMEDIATE … COMMIT, at the end of that turn (setImmediate), each inside its own
   * SAVEPOINT, so one that throws is undone alone and rejects alone. Under load the token
   * endpoint's rotations and code claims of one turn then share one write lock, one
   * busy-timeout switch and one commit, and the other workers' page caches are invalidated
   * once per batch instead of once per write. Commit is still before any caller is answered.
   *
   * While another process holds the write lock (most likely another worker's batch, done
   * within microseconds) the batch waits for the next turn, and calls made meanwhile join it;
   * after WRITE_RETRIES turns, or once an async transaction has the connection, every call
   * in it gets SQLITE_BUSY and takes the async Kysely path, which waits with back-off up to
   * BUSY_TIMEOUT_MS.
   */
  writeSoon<T>(fn: () => T): Promise<T | typeof SQLITE_BUSY> {
    return this.#enqueue(fn, this.#writes);
  }

  /**
   * A read, run at the end of this event-loop turn with the other reads of the turn, in one
   * read transaction, or at the start of the turn's write batch (before its writes: it sees
   * only committed rows). Another worker's commit makes SQLite drop this connection's page
   * cache at the next read; read one by one, every read of a busy token endpoint paid for that
   * (~28 µs for a code lookup after a reset, against ~5 µs warm). SQLITE_BUSY only when an
   * async transaction has the connection.
   */
  readSoon<T>(fn: () => T): Promise<T | typeof SQLITE_BUSY> {
    return this.#enqueue(fn, this.#reads);
  }

  #writes: Queued[] = [];
  #reads: Queued[] = [];
  #flushScheduled = false;
  #busyTurns = 0;

  #enqueue<T>(fn: () => T, queue: Queued[]): Promise<T | typeof SQLITE_BUSY> {
    if (!this.idle) return Promise.resolve(SQLITE_BUSY);
    return new Promise<T | typeof SQLITE_BUSY>((resolve, reject) => {
      queue.push({ fn, resolve: resolve as (value: unknown) => void, reject });
      if (!this.#flushScheduled) {
        this.#flushScheduled = true;
        setImmediate(() => this.#flush());
      }
    });
  }

  #flush(): void {
    this.#flushScheduled = false;
    const reads = this.#reads;
    const writes = this.#writes;
    this.#reads = [];
    try {
      this.#runBatch(reads, writes);
    } catch (error) {
      // BEGIN, or COMMIT of a read transaction, failed (an I/O error, say): no caller may be left
      // waiting, and nothing may escape into the event loop (it would end the process).
      try {
        if (this.#sqlite.open && this.#sqlite.inTransaction) this.#rollback.run();
      } catch {
        // Rolled back by SQLite itself already, or the connection is gone: nothing to undo here.
      }
      if (this.#writes === writes) {
        this.#writes = [];
        this.#busyTurns = 0;
      }
      for (const queued of [...reads, ...writes]) queued.reject(error);
    }
  }

  /** One flush: a settled call is never settled again (a promise ignores a second answer). */
  #runBatch(reads: Queued[], writes: Queued[]): void {
    if (!this.idle) {
      this.#writes = [];
      this.#busyTurns = 0;
      for (const queued of [...reads, ...writes]) queued.resolve(SQLITE_BUSY);
      return;
    }
    const began = writes.length > 0 && this.#tryBegin();
    if (!began) {
      // No writes, or the write lock is elsewhere: the reads go now, in a read transaction.
      if (reads.length > 0) this.#inReadTransaction(reads);
      if (writes.length > 0) this.#retryLater(writes);
      return;
    }
    this.#writes = [];
    this.#busyTurns = 0;
    const outcomes: Outcome[] = [];
    try {
      for (const read of reads) outcomes.push(attempt(read.fn));
      if (writes.length === 1) {
        outcomes.push({ ok: true, value: (writes[0] as Queued).fn() });
      } else {
        for (const write of writes) {
          this.#savepoint.run();
          const outcome = attempt(write.fn);
          if (!outcome.ok) this.#rollbackToSavepoint.run();
          this.#releaseSavepoint.run();
          outcomes.push(outcome);
        }
      }
      this.#commit.run();
    } catch (error) {
      // The commit itself failed (disk full, I/O error), or a lone write threw: nothing of the
      // batch was written, and every writer hears so; the reads had their answers.
      if (this.#sqlite.inTransaction) this.#rollback.run();
      settle(reads, outcomes);
      for (const write of writes) write.reject(error);
      return;
    }
    settle([...reads, ...writes], outcomes);
  }

  #inReadTransaction(reads: Queued[]): void {
    const outcomes: Outcome[] = [];
    if (reads.length === 1) {
      outcomes.push(attempt((reads[0] as Queued).fn));
    } else {
      this.#beginRead.run();
      try {
        for (const read of reads) outcomes.push(attempt(read.fn));
      } finally {
        this.#commit.run();
      }
    }
    settle(reads, outcomes);
  }

  #retryLater(writes: Queued[]): void {
    if (this.#busyTurns < WRITE_RETRIES) {
      this.#busyTurns++;
      if (!this.#flushScheduled) {
        this.#flushScheduled = true;
        setImmediate(() => this.#flush());
      }
      return;
    }
    this.#writes = [];
    this.#busyTurns = 0;
    for (const write of writes) write.resolve(SQLITE_BUSY);
  }

  /** BEGIN IMMEDIATE without waiting: false when another connection holds the write lock. */
  #tryBegin(): boolean {
    busyTimeout(this.#sqlite, 0);
    // A busy lock is expected between workers: its SqliteError needs no stack trace (capturing
    // one cost more than the retry).
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      this.#begin.run();
      return true;
    } catch (err) {
      if (isBusy(err)) return false;
      throw err;
    } finally {
      Error.stackTraceLimit = stackTraceLimit;
      busyTimeout(this.#sqlite, BUSY_TIMEOUT_MS);
    }
  }

  #statement(sql: string): RawStatement {
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = this.#sqlite.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }
}

/**
 * Sets the connection's busy timeout. Through `pragma()` on every call, never a statement
 * prepared once: SQLite may apply `PRAGMA busy_timeout` while compiling the statement rather than
 * when it runs, so re-running a prepared one does not reliably set it. (That bug left the timeout
 * at 5 s in the BEGIN retry loop below, which then blocked the event loop while another
 * connection of the same process held the lock: several instances migrating at once deadlocked
 * until the timeout. test/keys/keyring.test.ts, "several instances tick at once", pins it.)
 */
function busyTimeout(sqlite: SqliteDatabase, ms: number): void {
  sqlite.pragma(`busy_timeout = ${ms}`);
}

export const STATEMENT_CACHE = 256;

type Statement = ReturnType<SqliteDatabase['prepare']>;
/** A statement with anonymous parameters, passed as one array. */
type RawStatement = Sqlite.Statement<unknown[], unknown>;

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
      busyTimeout(this.#sqlite, 0);
      try {
        await connection.executeQuery(CompiledQuery.raw('begin immediate'));
        return;
      } catch (err) {
        if (!isBusy(err) || Date.now() >= deadline) throw err;
      } finally {
        busyTimeout(this.#sqlite, BUSY_TIMEOUT_MS);
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
