/**
 * The event feed delivers every committed event exactly once, in position order, whichever
 * process wrote it: here a second connection to the same store that the feed cannot hear
 * (so the poll finds them), interleaved with this process's own commits (which wake it at once).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { EventBus } from '../../src/core/events.js';
import { EventFeed } from '../../src/core/feed.js';
import type { LogEvent } from '../../src/core/model.js';
import type { Store } from '../../src/core/ports.js';
import { describeDialects, openTestStore, type TestStore } from '../support/stores.js';

const append = (store: Store, n: number, bus?: EventBus) =>
  store
    .transaction(async (tx) => {
      await tx.lockJournal();
      return tx.insertEvent(
        { type: 'user.updated', subjectType: 'user', subjectId: `u${n}`, subjectVersion: n, data: {} },
        new Date(),
      );
    })
    .then((event) => bus?.publish([event]));

describeDialects('event feed', (dialect) => {
  let t: TestStore;
  let other: Store;
  beforeAll(async () => {
    t = await openTestStore(dialect);
    other = await t.reopen();
  });
  afterAll(async () => t?.cleanup());

  it('delivers every event once and in order, from this process and from another', async () => {
    const bus = new EventBus();
    // Hide the other connection's commits from NOTIFY too: only the poll may find them.
    const feed = new EventFeed({
      store: {
        ...t.store,
        readEvents: t.store.readEvents,
        lastEventPosition: t.store.lastEventPosition,
        watchEvents: undefined,
      },
      bus,
      pollMs: 20,
    });
    await feed.start();
    const seen: LogEvent[] = [];
    feed.subscribe((events) => seen.push(...events));
    await Promise.all([
      (async () => {
        for (let i = 0; i < 40; i++) await append(t.store, i, bus);
      })(),
      (async () => {
        for (let i = 100; i < 140; i++) await append(other, i);
      })(),
    ]);
    const last = await t.store.lastEventPosition();
    for (let i = 0; i < 200 && feed.position < last; i++) await new Promise((r) => setTimeout(r, 20));
    await feed.settle();
    await feed.close();
    const positions = seen.map((e) => e.position);
    expect(positions).toHaveLength(80);
    expect(positions).toEqual([...new Set(positions)].sort((a, b) => a - b));
    expect(seen.map((e) => e.subjectId).sort()).toEqual(
      [
        ...Array.from({ length: 40 }, (_, i) => `u${i}`),
        ...Array.from({ length: 40 }, (_, i) => `u${i + 100}`),
      ].sort(),
    );
  });
});
