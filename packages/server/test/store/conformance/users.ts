import { expect, it } from 'vitest';
import type { Store } from '../../../src/core/ports.js';
import { makeGroup, makeRole, makeUser, sortIds } from '../fixtures.js';
import { expectTesseraError } from './expect-error.js';

export function usersConformance(store: () => Store): void {
  it('round-trips a user with every field, and one with nulls and no emails', async () => {
    const full = makeUser();
    const bare = makeUser({ externalId: null, displayName: null, emails: [], name: {}, active: false });
    await store().insertUser(full);
    await store().insertUser(bare);
    expect(await store().getUser(full.id)).toEqual(full);
    expect(await store().getUser(bare.id)).toEqual(bare);
    const loaded = await store().getUser(full.id);
    expect(loaded?.createdAt).toBeInstanceOf(Date);
    expect(loaded?.createdAt.getTime()).toBe(full.createdAt.getTime());
    expect(await store().getUser('0190a000-0000-7000-8000-000000000000')).toBeUndefined();
  });

  it('finds users by userName case-insensitively', async () => {
    const user = makeUser({ userName: 'Grace.Hopper@Example.COM' });
    await store().insertUser(user);
    expect((await store().getUserByUserName('grace.hopper@example.com'))?.id).toBe(user.id);
    expect((await store().getUserByUserName('GRACE.HOPPER@EXAMPLE.COM'))?.id).toBe(user.id);
    expect(await store().getUserByUserName('grace')).toBeUndefined();
  });

  it('rejects a userName differing only in case, and a duplicate id, as ERR_CONFLICT', async () => {
    const user = makeUser({ userName: 'alan@example.com' });
    await store().insertUser(user);
    const error = await expectTesseraError(
      store().insertUser(makeUser({ userName: 'ALAN@example.com' })),
      'ERR_CONFLICT',
      {
        field: 'userName',
      },
    );
    expect(error.message).toContain('userName');
    await expectTesseraError(store().insertUser(makeUser({ id: user.id })), 'ERR_CONFLICT', { field: 'id' });
    const other = makeUser();
    await store().insertUser(other);
    await expectTesseraError(
      store().updateUser({ ...other, userName: 'Alan@Example.com', version: 2 }, 1),
      'ERR_CONFLICT',
      { field: 'userName' },
    );
  });

  it('updates only at the expected version, rewriting every field but aver, and the email index', async () => {
    const user = makeUser();
    await store().insertUser(user);
    const updated = {
      ...user,
      userName: 'renamed@example.com',
      externalId: null,
      name: { formatted: 'Renamed' },
      displayName: null,
      emails: [{ value: 'New@Example.com', primary: true }],
      active: false,
      aver: 5,
      version: 2,
      updatedAt: new Date(user.updatedAt.getTime() + 1234),
    };
    expect(await store().updateUser(updated, 1)).toBe(true);
    // aver moves only through bumpAver (regression: a stale record must not undo a concurrent bump).
    expect(await store().getUser(user.id)).toEqual({ ...updated, aver: user.aver });
    expect((await store().listUsers({ limit: 10, filter: { email: 'new@example.com' } })).items).toHaveLength(
      1,
    );
    const oldEmail = user.emails[0]?.value ?? '';
    expect((await store().listUsers({ limit: 10, filter: { email: oldEmail } })).items).toHaveLength(0);

    expect(await store().updateUser({ ...updated, displayName: 'stale', version: 3 }, 1)).toBe(false);
    expect(await store().getUser(user.id)).toEqual({ ...updated, aver: user.aver });
    expect(await store().updateUser(makeUser(), 1)).toBe(false);
  });

  it('deletes a user with their memberships, role grants and emails', async () => {
    const user = makeUser();
    const group = makeGroup();
    const role = makeRole();
    await store().insertUser(user);
    await store().insertGroup(group);
    await store().insertRole(role);
    await store().addGroupMembers(group.id, [user.id]);
    await store().grantUserRole(user.id, role.id);

    expect(await store().deleteUser(user.id)).toBe(true);
    expect(await store().getUser(user.id)).toBeUndefined();
    expect((await store().listGroupMembers(group.id, { limit: 10 })).items).toEqual([]);
    expect(await store().listUserRoles(user.id)).toEqual([]);
    expect(await store().deleteUser(user.id)).toBe(false);
    // The same userName and emails are free again.
    await store().insertUser(makeUser({ userName: user.userName, emails: user.emails }));
  });

  it('pages users by id with an opaque cursor', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      const user = makeUser();
      ids.push(user.id);
      await store().insertUser(user);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    const sizes: number[] = [];
    do {
      const page = await store().listUsers({ limit: 3, cursor });
      sizes.push(page.items.length);
      seen.push(...page.items.map((u) => u.id));
      cursor = page.nextCursor;
      if (cursor !== null) expect(ids).not.toContain(cursor);
    } while (cursor !== null);
    expect(sizes).toEqual([3, 3, 1]);
    expect(seen).toEqual(sortIds(ids));

    const exact = await store().listUsers({ limit: 7 });
    expect(exact.items).toHaveLength(7);
    expect(exact.nextCursor).toBeNull();
    await expectTesseraError(store().listUsers({ limit: 3, cursor: 'not a cursor!' }), 'ERR_VALIDATION', {
      field: 'cursor',
    });
    await expect(store().listUsers({ limit: 0 })).rejects.toBeInstanceOf(TypeError);
  });

  it('filters users by userName, externalId, active and email', async () => {
    const a = makeUser({ userName: 'Filter.A@example.com', externalId: 'shared', active: true });
    const b = makeUser({
      externalId: 'shared',
      active: false,
      emails: [{ value: 'Both@Example.com' }, { value: 'b@example.com' }],
    });
    const c = makeUser({ externalId: 'other', emails: [{ value: 'both@example.com' }] });
    for (const user of [a, b, c]) await store().insertUser(user);
    const ids = async (filter: Parameters<Store['listUsers']>[0]['filter']) =>
      (await store().listUsers({ limit: 50, filter })).items.map((u) => u.id);

    expect(await ids({ userName: 'filter.a@EXAMPLE.com' })).toEqual([a.id]);
    expect(await ids({ externalId: 'shared' })).toEqual(sortIds([a.id, b.id]));
    expect(await ids({ externalId: 'shared', active: false })).toEqual([b.id]);
    expect(await ids({ email: 'BOTH@example.COM' })).toEqual(sortIds([b.id, c.id]));
    expect(await ids({ email: 'both@example.com', active: true })).toEqual([c.id]);
    expect(await ids({ email: 'nobody@example.com' })).toEqual([]);

    const first = await store().listUsers({ limit: 1, filter: { externalId: 'shared' } });
    const second = await store().listUsers({
      limit: 1,
      cursor: first.nextCursor,
      filter: { externalId: 'shared' },
    });
    expect([...first.items, ...second.items].map((u) => u.id)).toEqual(sortIds([a.id, b.id]));
    expect(second.nextCursor).toBeNull();
  });

  it('bumps aver atomically and returns the new value', async () => {
    const user = makeUser({ aver: 41 });
    await store().insertUser(user);
    expect(await store().bumpAver(user.id)).toBe(42);
    const results = await Promise.all([1, 2, 3].map(() => store().bumpAver(user.id)));
    expect(results.sort()).toEqual([43, 44, 45]);
    expect((await store().getUser(user.id))?.aver).toBe(45);
    expect((await store().getUser(user.id))?.version).toBe(user.version);
    expect(await store().bumpAver(makeUser().id)).toBeUndefined();
  });
}
