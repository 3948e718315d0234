/** replayEventsSince (src/core/feed.ts): how followers prime themselves from the event log at start. */
import { expect, it } from 'vitest';
import { replayEventsSince } from '../../src/core/feed.js';
import type { LogEvent } from '../../src/core/model.js';
import { describeDialects, useTestStore } from '../support/stores.js';
import { at, makeEvent } from './fixtures.js';

describeDialects('replaying the event log since a moment', (dialect) => {
  const store = useTestStore(dialect);

  it('hands over every event from that moment on, in order, across pages', async () => {
    const written: LogEvent[] = [];
    for (let i = 0; i < 7; i++) {
      written.push(
        await store().transaction((tx) => tx.insertEvent(makeEvent({ data: { i } }), at(i * 1000))),
      );
    }
    const pages: number[][] = [];
    await replayEventsSince(store(), at(2500), (events) => pages.push(events.map((e) => e.position)), 2);
    // Events at 3 s .. 6 s; pages of two, then the short page that ends the replay.
    expect(pages.flat()).toEqual(written.slice(3).map((e) => e.position));
    expect(pages.map((p) => p.length)).toEqual([2, 2, 0]);
    const all: number[] = [];
    await replayEventsSince(store(), at(-1), (events) => all.push(...events.map((e) => e.position)));
    expect(all).toEqual(written.map((e) => e.position));
  });
});
