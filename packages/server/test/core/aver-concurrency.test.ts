/**
 * Regression: "aver can go backwards on PostgreSQL" — updateUser wrote `aver` from the record it
 * had read, so a grant committed on another connection in between was undone. Concurrent
 * grants, membership changes and attribute updates on several connections must leave aver equal
 * to 1 + the number of access changes, with one distinct aver per access event.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { CoreContext } from '../../src/core/context.js';
import { EventBus } from '../../src/core/events.js';
import { changeMembers, createGroup } from '../../src/core/groups/service.js';
import { systemClock } from '../../src/core/ports.js';
import { changeGrant } from '../../src/core/roles/grants.js';
import { createRole } from '../../src/core/roles/service.js';
import { createUser, updateUser } from '../../src/core/users/service.js';
import { describeDialects, openTestStore, type TestStore } from '../support/stores.js';

const actor = { type: 'system' as const, id: 'test' };

describeDialects('aver under concurrent writers', (dialect) => {
  let t: TestStore;
  const contexts: CoreContext[] = [];
  beforeAll(async () => {
    t = await openTestStore(dialect);
    contexts.push({ store: t.store, clock: systemClock, bus: new EventBus() });
    for (let i = 0; i < 3; i++)
      contexts.push({ store: await t.reopen(), clock: systemClock, bus: new EventBus() });
  });
  afterAll(async () => {
    for (const ctx of contexts.slice(1)) await ctx.store.close();
    await t.cleanup();
  });

  it('counts every access change exactly once, whatever the interleaving', async () => {
    const [first] = contexts;
    if (!first) throw new Error('no context');
    const user = await createUser(first, actor, { userName: 'racer' });
    const roles = [];
    for (let i = 0; i < 8; i++)
      roles.push(await createRole(first, actor, { name: `race-${i}`, permissions: ['race:go'] }));
    const groups = [];
    for (let i = 0; i < 4; i++)
      groups.push(await createGroup(first, actor, { displayName: `race-group-${i}` }));
    const start = await first.store.lastEventPosition();

    const work: Promise<unknown>[] = [];
    roles.forEach((role, i) => {
      const ctx = contexts[i % contexts.length] as CoreContext;
      work.push(changeGrant(ctx, actor, 'grant', { type: 'user', id: user.id }, role.name));
    });
    groups.forEach((group, i) => {
      const ctx = contexts[(i + 1) % contexts.length] as CoreContext;
      work.push(changeMembers(ctx, actor, group.id, 'add', [user.id]));
    });
    // Attribute-only updates race with the grants; they must not write aver back.
    for (let i = 0; i < 6; i++) {
      const ctx = contexts[(i + 2) % contexts.length] as CoreContext;
      work.push(
        (async () => {
          for (;;) {
            try {
              return await updateUser(ctx, actor, user.id, { displayName: `name ${i}` });
            } catch (err) {
              if ((err as { code?: string }).code !== 'ERR_PRECONDITION_FAILED') throw err;
            }
          }
        })(),
      );
    }
    await Promise.all(work);

    const changes = roles.length + groups.length;
    const final = await first.store.getUser(user.id);
    expect(final?.aver).toBe(1 + changes);
    const events = (await first.store.readEvents(start, 1000)).filter(
      (e) => e.type === 'user.access_changed',
    );
    expect(events).toHaveLength(changes);
    expect(new Set(events.map((e) => e.subjectVersion)).size).toBe(changes);
    // Commit order is position order, so aver rises with position.
    const avers = events.map((e) => e.subjectVersion);
    expect(avers).toEqual([...avers].sort((a, b) => a - b));
    const access = await first.store.userAccess(user.id);
    expect(access.roles).toHaveLength(roles.length);
  });
});
