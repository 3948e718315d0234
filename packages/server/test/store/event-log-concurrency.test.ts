/**
 * The event log's promise to readers: resuming after the last position seen never misses an
 * event, because positions are handed out in commit order (lockJournal, see ports.ts).
 */
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { LogEvent } from '../../src/core/model.js';
import type { Store } from '../../src/core/ports.js';
import { describeDialects, openTestStore, TEST_DATABASE_URL, type TestStore } from '../support/stores.js';
import { at, makeEvent, makeUser } from './fixtures.js';

const randomDelay = () => sleep(Math.random() * 3);

/** `writers` concurrent loops of `perWriter` transactions each: lock, append, pause, commit. */
async function writeConcurrently(stores: Store[], writers: number, perWriter: number): Promise<number[]> {
  const committed: number[] = [];
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      const store = stores[w % stores.length] as Store;
      for (let i = 0; i < perWriter; i++) {
        const event = await store.transaction(async (tx) => {
          await tx.lockJournal();
          const inserted = await tx.insertEvent(makeEvent({ data: { w, i } }), at(i));
          await randomDelay();
          return inserted;
        });
        committed.push(event.position);
      }
    }),
  );
  return committed;
}

/** Polls like a verifier following the log, until `done` and the log is drained. */
async function follow(reader: Store, done: () => boolean): Promise<number[]> {
  const seen: number[] = [];
  let lastSeen = 0;
  for (;;) {
    const finished = done();
    const batch = await reader.readEvents(lastSeen, 100);
    for (const event of batch) seen.push(event.position);
    lastSeen = batch.at(-1)?.position ?? lastSeen;
    if (batch.length === 0) {
      if (finished) return seen;
      await sleep(1);
    }
  }
}

async function expectReaderSawEverything(stores: Store[], reader: Store, writers: number, perWriter: number) {
  let finished = false;
  const reading = follow(reader, () => finished);
  const committed = await writeConcurrently(stores, writers, perWriter).finally(() => {
    finished = true;
  });
  const seen = await reading;
  expect(committed).toHaveLength(writers * perWriter);
  expect(seen).toEqual([...committed].sort((a, b) => a - b));
  expect(new Set(seen).size).toBe(seen.length);
}

describeDialects('event log under concurrent writers', () => {
  let testStore: TestStore;
  beforeEach(async () => {
    testStore = await openTestStore('postgres');
  });
  afterEach(() => testStore.cleanup());

  it('lets a polling reader see every committed position exactly once, in order', async () => {
    const reader = await testStore.reopen();
    await expectReaderSawEverything([testStore.store], reader, 8, 50);
  });

  it('without the journal lock a reader can skip an event (the hazard the lock prevents)', async () => {
    const { store } = testStore;
    let releaseFirst = () => {};
    const firstMayCommit = new Promise<void>((resolve) => {
      releaseFirst = resolve;
    });
    let firstInserted = () => {};
    const inserted = new Promise<void>((resolve) => {
      firstInserted = resolve;
    });
    const first = store.transaction(async (tx) => {
      const event = await tx.insertEvent(makeEvent(), at(0));
      firstInserted();
      await firstMayCommit;
      return event;
    });
    await inserted;
    const second = await store.transaction((tx) => tx.insertEvent(makeEvent(), at(1)));
    const seenBefore = await store.readEvents(0, 100);
    releaseFirst();
    const missed = await first;

    expect(missed.position).toBeLessThan(second.position);
    expect(seenBefore.map((e) => e.position)).toEqual([second.position]);
    // A reader resuming after what it saw never gets the earlier position that committed later.
    expect(await store.readEvents(second.position, 100)).toEqual([]);
  });

  it('with the journal lock a second writer waits, so positions follow commit order', async () => {
    const { store } = testStore;
    const observer = await testStore.reopen();
    let releaseFirst = () => {};
    const firstMayCommit = new Promise<void>((resolve) => {
      releaseFirst = resolve;
    });
    let firstInserted = () => {};
    const inserted = new Promise<void>((resolve) => {
      firstInserted = resolve;
    });
    const first = store.transaction(async (tx) => {
      await tx.lockJournal();
      const event = await tx.insertEvent(makeEvent(), at(0));
      firstInserted();
      await firstMayCommit;
      return event;
    });
    await inserted;
    const second = store.transaction(async (tx) => {
      await tx.lockJournal();
      return tx.insertEvent(makeEvent(), at(1));
    });
    await waitForBlockedAdvisoryLock();
    expect(await observer.readEvents(0, 100)).toEqual([]);
    releaseFirst();
    const [a, b] = await Promise.all([first, second]);
    expect(a.position).toBeLessThan(b.position);
    expect((await observer.readEvents(0, 100)).map((e) => e.position)).toEqual([a.position, b.position]);
  });
}, ['postgres']);

/** Waits until some session is queued on an advisory lock (the second writer in lockJournal). */
async function waitForBlockedAdvisoryLock(): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    for (let i = 0; i < 1000; i++) {
      const { rows } = await client.query<{ n: string }>(
        "select count(*) as n from pg_locks where locktype = 'advisory' and not granted",
      );
      if (Number(rows[0]?.n) > 0) return;
      await sleep(2);
    }
    throw new Error('the second writer never waited on the journal lock');
  } finally {
    await client.end();
  }
}

/**
 * Another thread with its own connection takes the write lock, appends an event and holds the
 * lock for `ms` (blocking its own thread, as a synchronous CLI would) before committing.
 */
function holdWriteLock(path: string, ms: number): { locked: Promise<void>; done: Promise<void> } {
  const worker = new Worker(
    `
    const { workerData, parentPort } = require('node:worker_threads');
    const Database = require(workerData.driver);
    const db = new Database(workerData.path);
    db.pragma('busy_timeout = 5000');
    db.exec('begin immediate');
    db.prepare("insert into events (type, subject_type, subject_id, subject_version, data, at) values ('key.created', 'key', 'k', 1, '{}', 0)").run();
    parentPort.postMessage('locked');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, workerData.ms);
    db.exec('commit');
    db.close();
    `,
    {
      eval: true,
      workerData: { driver: createRequire(import.meta.url).resolve('better-sqlite3'), path, ms },
    },
  );
  const locked = new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
  });
  const done = new Promise<void>((resolve, reject) => {
    worker.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`worker exited with ${code}`))));
    worker.once('error', reject);
  });
  return { locked, done };
}

describeDialects('event log under concurrent writers', () => {
  let testStore: TestStore;
  beforeEach(async () => {
    testStore = await openTestStore('sqlite');
  });
  afterEach(() => testStore.cleanup());

  it('two connections to one file write concurrently without SQLITE_BUSY and a reader misses nothing', async () => {
    const second = await testStore.reopen();
    const reader = await testStore.reopen();
    await expectReaderSawEverything([testStore.store, second], reader, 4, 50);
  });

  it('waits for another thread holding the write lock, as when the CLI writes the same file', async () => {
    const { store } = testStore;
    const user = makeUser();
    await store.insertUser(user);
    if (testStore.location.dialect !== 'sqlite') throw new TypeError('sqlite only');
    const worker = holdWriteLock(testStore.location.sqlitePath, 300);
    await worker.locked;
    const started = Date.now();
    const event: LogEvent = await store.transaction(async (tx) => {
      await tx.lockJournal();
      return tx.insertEvent(makeEvent(), at(0));
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    await worker.done;
    // An autocommit write waits too (busy_timeout) instead of failing.
    expect(await store.bumpAver(user.id)).toBe(2);
    const positions = (await store.readEvents(0, 10)).map((e) => e.position);
    expect(positions).toEqual([positions[0], event.position]);
  });
}, ['sqlite']);
