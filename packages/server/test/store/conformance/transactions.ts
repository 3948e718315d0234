import { expect, it } from 'vitest';
import type { Store } from '../../../src/core/ports.js';
import { at, makeAudit, makeEvent, makeGroup, makeRole, makeUser } from '../fixtures.js';

export function transactionsConformance(store: () => Store): void {
  it('commits everything fn wrote and returns its value', async () => {
    const user = makeUser();
    const result = await store().transaction(async (tx) => {
      await tx.insertUser(user);
      expect(await tx.getUser(user.id)).toEqual(user);
      return 'done';
    });
    expect(result).toBe('done');
    expect(await store().getUser(user.id)).toEqual(user);
  });

  it('rolls back every write when fn throws', async () => {
    const [user, group, role] = [makeUser(), makeGroup(), makeRole()];
    const boom = new Error('boom');
    await expect(
      store().transaction(async (tx) => {
        await tx.insertUser(user);
        await tx.insertGroup(group);
        await tx.insertRole(role);
        await tx.addGroupMembers(group.id, [user.id]);
        await tx.grantGroupRole(group.id, role.id);
        await tx.setMeta('marker', 'x');
        await tx.lockJournal();
        await tx.insertAudit(makeAudit());
        await tx.insertEvent(makeEvent(), at(0));
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(await store().getUser(user.id)).toBeUndefined();
    expect(await store().getGroup(group.id)).toBeUndefined();
    expect(await store().getRole(role.id)).toBeUndefined();
    expect(await store().getMeta('marker')).toBeUndefined();
    expect(await store().listAudit({ limit: 10 })).toEqual([]);
    expect(await store().readEvents(0, 10)).toEqual([]);
  });

  it('rolls back when a write inside fn conflicts, surfacing ERR_CONFLICT', async () => {
    const user = makeUser();
    await store().insertUser(user);
    const other = makeUser();
    await expect(
      store().transaction(async (tx) => {
        await tx.insertUser(other);
        await tx.insertUser(makeUser({ userName: user.userName.toUpperCase() }));
      }),
    ).rejects.toMatchObject({ code: 'ERR_CONFLICT', detail: { field: 'userName' } });
    expect(await store().getUser(other.id)).toBeUndefined();
  });

  it('refuses a transaction started inside another', async () => {
    await expect(store().transaction(() => store().transaction(async () => 1))).rejects.toBeInstanceOf(
      TypeError,
    );
    // The store is still usable afterwards.
    expect(await store().transaction(async () => 2)).toBe(2);
  });

  it('runs transactions from concurrent callers one after another without losing writes', async () => {
    const user = makeUser({ aver: 0 });
    await store().insertUser(user);
    await Promise.all(
      Array.from({ length: 10 }, () =>
        store().transaction(async (tx) => {
          const current = await tx.getUser(user.id);
          await tx.bumpAver(user.id);
          return current;
        }),
      ),
    );
    expect((await store().getUser(user.id))?.aver).toBe(10);
  });

  it('migrates idempotently', async () => {
    await store().migrate();
    await store().migrate();
    expect(await store().getMeta('x')).toBeUndefined();
  });
}
