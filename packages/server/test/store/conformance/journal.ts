import { expect, it } from 'vitest';
import type { Store } from '../../../src/core/ports.js';
import { at, makeAudit, makeEvent } from '../fixtures.js';

export function journalConformance(store: () => Store): void {
  it('appends audit rows with increasing seq and reads them back by filter', async () => {
    const entries = [
      makeAudit({ action: 'user.created', targetType: 'user', targetId: 'u1', actorId: 'alice' }),
      makeAudit({
        action: 'user.updated',
        targetType: 'user',
        targetId: 'u1',
        actorId: 'bob',
        sourceIp: null,
      }),
      makeAudit({
        action: 'group.created',
        targetType: 'group',
        targetId: null,
        actorId: 'alice',
        summary: {},
      }),
    ];
    const stored = await store().transaction(async (tx) => {
      await tx.lockJournal();
      expect(await tx.lastAudit()).toBeUndefined();
      const out = [];
      for (const entry of entries) out.push(await tx.insertAudit(entry));
      expect(await tx.lastAudit()).toEqual(out[2]);
      return out;
    });
    stored.forEach((row, i) => {
      expect(row).toEqual({ ...entries[i], seq: row.seq });
      if (i > 0) expect(row.seq).toBeGreaterThan(stored[i - 1]?.seq ?? Infinity);
    });
    expect(await store().listAudit({ limit: 10 })).toEqual(stored);
    expect(await store().listAudit({ limit: 2 })).toEqual(stored.slice(0, 2));
    expect(await store().listAudit({ limit: 10, filter: { afterSeq: stored[0]?.seq } })).toEqual(
      stored.slice(1),
    );
    expect(await store().listAudit({ limit: 10, filter: { actorId: 'alice' } })).toEqual([
      stored[0],
      stored[2],
    ]);
    expect(await store().listAudit({ limit: 10, filter: { targetType: 'user', targetId: 'u1' } })).toEqual(
      stored.slice(0, 2),
    );
    expect(await store().listAudit({ limit: 10, filter: { action: 'group.created' } })).toEqual([stored[2]]);
  });

  it('refuses lockJournal outside a transaction', async () => {
    await expect(store().lockJournal()).rejects.toBeInstanceOf(TypeError);
  });

  it('appends events with increasing positions, reads after a position, and prunes old ones', async () => {
    expect(await store().lastEventPosition()).toBe(0);
    expect(await store().readEvents(0, 10)).toEqual([]);
    const times = [at(0), at(1000), at(2000), at(3000)];
    const events = await store().transaction(async (tx) => {
      await tx.lockJournal();
      const out = [];
      for (const time of times) out.push(await tx.insertEvent(makeEvent({ data: { n: out.length } }), time));
      return out;
    });
    const positions = events.map((e) => e.position);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(new Set(positions).size).toBe(4);
    expect(events[1]?.at).toEqual(times[1]);

    expect(await store().readEvents(0, 10)).toEqual(events);
    expect(await store().readEvents(positions[1] ?? 0, 10)).toEqual(events.slice(2));
    expect(await store().readEvents(0, 2)).toEqual(events.slice(0, 2));
    expect(await store().lastEventPosition()).toBe(positions[3]);

    expect(await store().pruneEvents(at(2000))).toBe(2);
    expect(await store().readEvents(0, 10)).toEqual(events.slice(2));
    // The newest event stays even when old, keeping lastEventPosition and the counter.
    expect(await store().pruneEvents(at(10_000))).toBe(1);
    expect(await store().readEvents(0, 10)).toEqual(events.slice(3));
    expect(await store().lastEventPosition()).toBe(positions[3]);

    const later = await store().transaction(async (tx) => {
      await tx.lockJournal();
      return tx.insertEvent(makeEvent(), at(20_000));
    });
    expect(later.position).toBeGreaterThan(positions[3] ?? Infinity);
  });

  it('finds the position to read after for every event since a time', async () => {
    expect(await store().eventPositionBefore(at(0))).toBe(0);
    const events = await store().transaction(async (tx) => {
      await tx.lockJournal();
      const out = [];
      for (const time of [at(1000), at(2000), at(3000)]) out.push(await tx.insertEvent(makeEvent(), time));
      return out;
    });
    const [p1, p2] = events.map((e) => e.position);
    expect(await store().eventPositionBefore(at(2000))).toBe(p1);
    expect(await store().eventPositionBefore(at(2500))).toBe(p2);
    // Nothing older retained: just before the oldest, so reading after it returns everything.
    expect(await store().eventPositionBefore(at(0))).toBe((p1 ?? 0) - 1);
    expect(await store().readEvents(await store().eventPositionBefore(at(0)), 10)).toEqual(events);
  });
}
