/**
 * createUsers (core/users/create-many.ts), the batch behind SCIM Bulk's POSTs of users: when the
 * batch's write fails after its uniqueness check (another connection took a userName in
 * between), nothing of the batch stays and it is replayed one user at a time.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { verifyAudit } from '../../src/core/audit.js';
import type { CoreContext } from '../../src/core/context.js';
import { isTesseraError } from '../../src/core/errors.js';
import { EventBus } from '../../src/core/events.js';
import type { LogEvent } from '../../src/core/model.js';
import { type Store, systemClock } from '../../src/core/ports.js';
import { createUsers } from '../../src/core/users/create-many.js';
import { createUser } from '../../src/core/users/service.js';
import { describeDialects, openTestStore, type TestStore } from '../support/stores.js';

const actor = { type: 'client' as const, id: 'idp' };

describeDialects('createUsers', (dialect) => {
  let opened: TestStore;
  let published: LogEvent[];
  const context = (store: Store, listen = true): CoreContext => {
    const bus = new EventBus();
    if (listen) bus.subscribe((events) => published.push(...events));
    return { store, clock: systemClock, bus };
  };
  beforeEach(async () => {
    opened = await openTestStore(dialect);
    published = [];
  });
  afterEach(async () => {
    await opened.cleanup();
  });

  it('creates valid users and fails the others one by one, in one transaction', async () => {
    const ctx = context(opened.store);
    await createUser(ctx, actor, { userName: 'taken' });
    published = [];
    const results = await createUsers(ctx, actor, [
      { userName: 'a' },
      { userName: 'TAKEN' },
      { userName: '' },
      { userName: 'b' },
      { userName: 'B' },
    ]);
    expect(results.map((r) => (isTesseraError(r) ? r.code : r.userName))).toEqual([
      'a',
      'ERR_CONFLICT',
      'ERR_VALIDATION',
      'b',
      'ERR_CONFLICT',
    ]);
    expect(published.map((e) => [e.type, e.data.userName])).toEqual([
      ['user.created', 'a'],
      ['user.created', 'b'],
    ]);
    expect((await verifyAudit(ctx)).ok).toBe(true);
    expect((await verifyAudit(ctx)).rows).toBe(3);
  });

  it('stops after maxErrors failures and creates nothing after them', async () => {
    const ctx = context(opened.store);
    const results = await createUsers(ctx, actor, [{ userName: 'x' }, { userName: '' }, { userName: 'y' }], {
      maxErrors: 1,
    });
    expect(results).toHaveLength(2);
    expect(await opened.store.getUserByUserName('y')).toBeUndefined();
  });

  it('replays the batch one by one when a userName is taken between the check and the write', async () => {
    // Another writer takes "raced" after the batch read which userNames are taken: on PostgreSQL
    // a real second connection does it; SQLite's BEGIN IMMEDIATE shuts every other writer out, so
    // there the check is made to miss it.
    const other = dialect === 'postgres' ? await opened.reopen() : undefined;
    const racing: Store = {
      ...opened.store,
      transaction: (fn) =>
        opened.store.transaction((tx) =>
          fn({
            ...tx,
            async takenUserNames(names) {
              if (other !== undefined) {
                const taken = await tx.takenUserNames(names);
                await createUser(context(other, false), actor, { userName: 'raced' });
                return taken;
              }
              return new Set<string>();
            },
          }),
        ),
    };
    if (other === undefined) await createUser(context(opened.store, false), actor, { userName: 'raced' });
    const ctx = context(racing);
    const results = await createUsers(ctx, actor, [
      { userName: 'first' },
      { userName: 'raced' },
      { userName: 'last' },
    ]);
    expect(results.map((r) => (isTesseraError(r) ? r.code : r.userName))).toEqual([
      'first',
      'ERR_CONFLICT',
      'last',
    ]);
    const { items } = await opened.store.listUsers({ limit: 10 });
    expect(items.map((u) => u.userName).sort()).toEqual(['first', 'last', 'raced']);
    expect(published.map((e) => e.data.userName)).toEqual(['first', 'last']);
    const audit = await opened.store.listAudit({ limit: 10 });
    expect(audit.map((a) => [a.action, a.summary.userName])).toEqual([
      ['user.created', 'raced'],
      ['user.created', 'first'],
      ['user.created', 'last'],
    ]);
    expect((await verifyAudit(ctx)).ok).toBe(true);
  });
});
