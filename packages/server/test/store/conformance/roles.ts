import { expect, it } from 'vitest';
import type { Store } from '../../../src/core/ports.js';
import { makeClient, makeGroup, makeRole, makeUser, sortIds } from '../fixtures.js';
import { expectTesseraError } from './expect-error.js';

export function rolesConformance(store: () => Store): void {
  it('round-trips roles with sorted, de-duplicated permissions', async () => {
    const role = makeRole({ permissions: ['b:write', 'a:read', 'b:write'] });
    const empty = makeRole({ permissions: [], description: '' });
    await store().insertRole(role);
    await store().insertRole(empty);
    expect(await store().getRole(role.id)).toEqual({ ...role, permissions: ['a:read', 'b:write'] });
    expect(await store().getRole(empty.id)).toEqual(empty);
    expect((await store().getRoleByName(role.name))?.id).toBe(role.id);
    expect(await store().getRoleByName(role.name.toUpperCase())).toBeUndefined();
  });

  it('rejects a duplicate role name as ERR_CONFLICT', async () => {
    await store().insertRole(makeRole({ name: 'auditor' }));
    await expectTesseraError(store().insertRole(makeRole({ name: 'auditor' })), 'ERR_CONFLICT', {
      field: 'name',
    });
    expect((await store().listRoles({ limit: 10 })).items).toHaveLength(1);
  });

  it('updates name, description and permissions at the expected version only', async () => {
    const role = makeRole({ permissions: ['a:read', 'a:write'] });
    await store().insertRole(role);
    const updated = { ...role, name: 'renamed', description: 'new', permissions: ['c:read'], version: 2 };
    expect(await store().updateRole(updated, 1)).toBe(true);
    expect(await store().getRole(role.id)).toEqual(updated);
    expect(await store().updateRole({ ...updated, permissions: ['z:z'], version: 3 }, 1)).toBe(false);
    expect((await store().getRole(role.id))?.permissions).toEqual(['c:read']);
  });

  it('pages roles', async () => {
    const roles = [makeRole(), makeRole(), makeRole()];
    for (const role of roles) await store().insertRole(role);
    const first = await store().listRoles({ limit: 2 });
    const second = await store().listRoles({ limit: 2, cursor: first.nextCursor });
    expect([...first.items, ...second.items].map((r) => r.id)).toEqual(sortIds(roles.map((r) => r.id)));
    expect(second.items[0]?.permissions).toHaveLength(2);
    expect(second.nextCursor).toBeNull();
  });

  it('grants and revokes roles to users, groups and clients, reporting whether anything changed', async () => {
    const [user, group, client, role] = [makeUser(), makeGroup(), makeClient(), makeRole()];
    await store().insertUser(user);
    await store().insertGroup(group);
    await store().insertClient(client);
    await store().insertRole(role);
    const cases = [
      [store().grantUserRole, store().revokeUserRole, store().listUserRoles, user.id],
      [store().grantGroupRole, store().revokeGroupRole, store().listGroupRoles, group.id],
      [store().grantClientRole, store().revokeClientRole, store().listClientRoles, client.id],
    ] as const;
    for (const [grant, revoke, list, holder] of cases) {
      expect(await grant(holder, role.id)).toBe(true);
      expect(await grant(holder, role.id)).toBe(false);
      expect(await list(holder)).toEqual([role]);
      expect(await revoke(holder, role.id)).toBe(true);
      expect(await revoke(holder, role.id)).toBe(false);
      expect(await list(holder)).toEqual([]);
      await expectTesseraError(grant(holder, makeRole().id), 'ERR_NOT_FOUND');
    }
    await expectTesseraError(store().grantUserRole(makeUser().id, role.id), 'ERR_NOT_FOUND');
    await expectTesseraError(store().grantGroupRole(makeGroup().id, role.id), 'ERR_NOT_FOUND');
    await expectTesseraError(store().grantClientRole(makeClient().id, role.id), 'ERR_NOT_FOUND');
  });

  it('deletes a role with every grant and binding of it', async () => {
    const [user, group, client, role, kept] = [makeUser(), makeGroup(), makeClient(), makeRole(), makeRole()];
    await store().insertUser(user);
    await store().insertGroup(group);
    await store().insertClient(client);
    await store().insertRole(role);
    await store().insertRole(kept);
    await store().grantUserRole(user.id, role.id);
    await store().grantUserRole(user.id, kept.id);
    await store().grantGroupRole(group.id, role.id);
    await store().grantClientRole(client.id, role.id);
    expect(await store().deleteRole(role.id)).toBe(true);
    expect(await store().deleteRole(role.id)).toBe(false);
    expect(await store().listUserRoles(user.id)).toEqual([kept]);
    expect(await store().listGroupRoles(group.id)).toEqual([]);
    expect(await store().listClientRoles(client.id)).toEqual([]);
    expect(await store().getRoleByName(role.name)).toBeUndefined();
  });

  it('computes a user’s access as the union of direct and group roles, sorted and de-duplicated', async () => {
    const user = makeUser();
    const [g1, g2, g3] = [
      makeGroup({ displayName: 'b-team' }),
      makeGroup({ displayName: 'A-team' }),
      makeGroup(),
    ];
    const direct = makeRole({ name: 'direct', permissions: ['docs:read', 'shared:x'] });
    const both = makeRole({ name: 'both', permissions: ['shared:x', 'b:y'] });
    const viaG1 = makeRole({ name: 'via-g1', permissions: ['g1:read'] });
    const viaG2 = makeRole({ name: 'alpha', permissions: [] });
    const notMine = makeRole({ name: 'other', permissions: ['secret:read'] });
    await store().insertUser(user);
    for (const group of [g1, g2, g3]) await store().insertGroup(group);
    for (const role of [direct, both, viaG1, viaG2, notMine]) await store().insertRole(role);
    await store().grantUserRole(user.id, direct.id);
    await store().grantUserRole(user.id, both.id);
    await store().addGroupMembers(g1.id, [user.id]);
    await store().addGroupMembers(g2.id, [user.id]);
    await store().grantGroupRole(g1.id, both.id);
    await store().grantGroupRole(g1.id, viaG1.id);
    await store().grantGroupRole(g2.id, viaG1.id);
    await store().grantGroupRole(g2.id, viaG2.id);
    await store().grantGroupRole(g3.id, notMine.id);

    expect(await store().userAccess(user.id)).toEqual({
      roles: ['alpha', 'both', 'direct', 'via-g1'],
      permissions: ['b:y', 'docs:read', 'g1:read', 'shared:x'],
      directRoles: ['both', 'direct'],
      groups: ['A-team', 'b-team'],
      groupIds: [g1.id, g2.id].sort(),
    });
    expect(await store().userAccess(makeUser().id)).toEqual({
      roles: [],
      permissions: [],
      directRoles: [],
      groups: [],
      groupIds: [],
    });
  });

  it('reads the access catalog: every role with its permissions, every group with roles', async () => {
    const reader = makeRole({ name: 'cat-reader', permissions: ['docs:read', 'docs:list'] });
    const empty = makeRole({ name: 'cat-empty', permissions: [] });
    const [bound, unbound] = [makeGroup(), makeGroup()];
    for (const role of [reader, empty]) await store().insertRole(role);
    for (const group of [bound, unbound]) await store().insertGroup(group);
    await store().grantGroupRole(bound.id, reader.id);
    await store().grantGroupRole(bound.id, empty.id);
    const catalog = await store().accessCatalog();
    expect(catalog.roles.find((r) => r.id === reader.id)).toEqual({
      id: reader.id,
      name: 'cat-reader',
      version: reader.version,
      permissions: ['docs:list', 'docs:read'],
    });
    expect(catalog.roles.find((r) => r.id === empty.id)?.permissions).toEqual([]);
    expect(catalog.groups.find((g) => g.id === bound.id)).toEqual({
      id: bound.id,
      version: bound.version,
      roles: ['cat-empty', 'cat-reader'],
    });
    expect(catalog.groups.some((g) => g.id === unbound.id)).toBe(false);
    expect(Array.isArray(catalog.applications)).toBe(true);
  });

  it('computes a client’s access from its roles', async () => {
    const client = makeClient();
    const r1 = makeRole({ name: 'writer', permissions: ['a:write', 'a:read'] });
    const r2 = makeRole({ name: 'reader', permissions: ['a:read'] });
    await store().insertClient(client);
    await store().insertRole(r1);
    await store().insertRole(r2);
    await store().grantClientRole(client.id, r1.id);
    await store().grantClientRole(client.id, r2.id);
    expect(await store().clientAccess(client.id)).toEqual({
      roles: ['reader', 'writer'],
      permissions: ['a:read', 'a:write'],
    });
    expect(await store().clientAccess(makeClient().id)).toEqual({ roles: [], permissions: [] });
  });
}
