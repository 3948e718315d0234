import { expect, it } from 'vitest';
import type { Store } from '../../../src/core/ports.js';
import { makeGroup, makeRole, makeUser, sortIds } from '../fixtures.js';
import { expectTesseraError } from './expect-error.js';

export function groupsConformance(store: () => Store): void {
  it('round-trips groups and finds them by displayName case-insensitively', async () => {
    const group = makeGroup({ displayName: 'Platform Team' });
    const bare = makeGroup({ externalId: null });
    await store().insertGroup(group);
    await store().insertGroup(bare);
    expect(await store().getGroup(group.id)).toEqual(group);
    expect(await store().getGroup(bare.id)).toEqual(bare);
    expect(await store().getGroupByDisplayName('platform TEAM')).toEqual(group);
    expect(await store().getGroupByDisplayName('platform')).toBeUndefined();
  });

  it('rejects a displayName differing only in case as ERR_CONFLICT', async () => {
    await store().insertGroup(makeGroup({ displayName: 'Ops' }));
    await expectTesseraError(store().insertGroup(makeGroup({ displayName: 'OPS' })), 'ERR_CONFLICT', {
      field: 'displayName',
    });
  });

  it('updates at the expected version only; bumps the version atomically', async () => {
    const group = makeGroup();
    await store().insertGroup(group);
    const updated = { ...group, displayName: 'Renamed', externalId: null, version: 2, updatedAt: new Date() };
    expect(await store().updateGroup(updated, 1)).toBe(true);
    expect(await store().getGroup(group.id)).toEqual(updated);
    expect(await store().updateGroup({ ...updated, displayName: 'Stale', version: 3 }, 1)).toBe(false);
    expect((await store().getGroup(group.id))?.displayName).toBe('Renamed');
    expect(await store().bumpGroupVersion(group.id)).toBe(3);
    expect(await store().bumpGroupVersion(makeGroup().id)).toBeUndefined();
  });

  it('lists groups by id with filters and cursor', async () => {
    const groups = [
      makeGroup({ externalId: 'x' }),
      makeGroup({ externalId: 'x' }),
      makeGroup({ displayName: 'Lookup Me' }),
    ];
    for (const group of groups) await store().insertGroup(group);
    const first = await store().listGroups({ limit: 2 });
    const second = await store().listGroups({ limit: 2, cursor: first.nextCursor });
    expect(second.nextCursor).toBeNull();
    expect([...first.items, ...second.items].map((g) => g.id)).toEqual(sortIds(groups.map((g) => g.id)));
    const byExternal = await store().listGroups({ limit: 10, filter: { externalId: 'x' } });
    expect(byExternal.items.map((g) => g.id)).toEqual(sortIds([groups[0]?.id ?? '', groups[1]?.id ?? '']));
    const byName = await store().listGroups({ limit: 10, filter: { displayName: 'LOOKUP me' } });
    expect(byName.items.map((g) => g.id)).toEqual([groups[2]?.id]);
  });

  it('adds and removes members, returning only what changed', async () => {
    const group = makeGroup();
    const users = [makeUser(), makeUser(), makeUser()];
    await store().insertGroup(group);
    for (const user of users) await store().insertUser(user);
    const [u1, u2, u3] = users.map((u) => u.id) as [string, string, string];

    expect(await store().addGroupMembers(group.id, [u1, u2, u1])).toEqual([u1, u2]);
    expect(await store().addGroupMembers(group.id, [u2, u3])).toEqual([u3]);
    expect(await store().addGroupMembers(group.id, [])).toEqual([]);
    expect((await store().listGroupMembers(group.id, { limit: 10 })).items).toEqual(sortIds([u1, u2, u3]));

    const page1 = await store().listGroupMembers(group.id, { limit: 2 });
    const page2 = await store().listGroupMembers(group.id, { limit: 2, cursor: page1.nextCursor });
    expect([...page1.items, ...page2.items]).toEqual(sortIds([u1, u2, u3]));
    expect(page2.nextCursor).toBeNull();

    expect(await store().removeGroupMembers(group.id, [u1, u1, makeUser().id])).toEqual([u1]);
    expect(await store().removeGroupMembers(group.id, [u1])).toEqual([]);
    expect((await store().listUserGroups(u2)).map((g) => g.id)).toEqual([group.id]);
    expect(await store().listUserGroups(u1)).toEqual([]);
  });

  it('refuses unknown members and unknown groups with ERR_NOT_FOUND, adding nobody', async () => {
    const group = makeGroup();
    const user = makeUser();
    await store().insertGroup(group);
    await store().insertUser(user);
    const ghost = makeUser().id;
    await expectTesseraError(store().addGroupMembers(group.id, [user.id, ghost]), 'ERR_NOT_FOUND', {
      id: ghost,
    });
    expect((await store().listGroupMembers(group.id, { limit: 10 })).items).toEqual([]);
    await expectTesseraError(store().addGroupMembers(makeGroup().id, [user.id]), 'ERR_NOT_FOUND');
  });

  it('lists a user’s groups ordered by id', async () => {
    const user = makeUser();
    const groups = [makeGroup(), makeGroup(), makeGroup()];
    await store().insertUser(user);
    for (const group of groups) {
      await store().insertGroup(group);
      await store().addGroupMembers(group.id, [user.id]);
    }
    expect(await store().listUserGroups(user.id)).toEqual(
      sortIds(groups.map((g) => g.id)).map((id) => groups.find((g) => g.id === id)),
    );
  });

  it('deletes a group with its memberships and role bindings', async () => {
    const group = makeGroup();
    const user = makeUser();
    const role = makeRole();
    await store().insertGroup(group);
    await store().insertUser(user);
    await store().insertRole(role);
    await store().addGroupMembers(group.id, [user.id]);
    await store().grantGroupRole(group.id, role.id);
    expect(await store().deleteGroup(group.id)).toBe(true);
    expect(await store().deleteGroup(group.id)).toBe(false);
    expect(await store().listUserGroups(user.id)).toEqual([]);
    expect(await store().listGroupRoles(group.id)).toEqual([]);
    expect(await store().getUser(user.id)).toBeDefined();
    expect(await store().getRole(role.id)).toBeDefined();
  });
}
