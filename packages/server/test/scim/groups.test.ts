/** /scim/v2/Groups: members by id, PATCH membership plans, PUT, ETags and effects. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeDialects } from '../support/stores.js';
import { GROUP_SCHEMA, patchOp, type ScimTestApp, startScimApp, userBody } from './support.js';

describeDialects('SCIM Groups', (dialect) => {
  let t: ScimTestApp;
  let users: { id: string; userName: string }[];
  beforeAll(async () => {
    t = await startScimApp(dialect);
    users = [];
    for (const name of ['ann', 'bob', 'cid', 'dee']) {
      const res = await t.scim('POST', '/Users', userBody(name, { displayName: name.toUpperCase() }));
      users.push(res.json);
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  const id = (i: number) => users[i]?.id as string;
  const groupBody = (displayName: string, members: string[] = [], extra: Record<string, unknown> = {}) => ({
    schemas: [GROUP_SCHEMA],
    displayName,
    members: members.map((value) => ({ value })),
    ...extra,
  });
  const createGroup = async (displayName: string, members: string[] = []) => {
    const res = await t.scim('POST', '/Groups', groupBody(displayName, members));
    expect(res.status, res.body).toBe(201);
    return res.json;
  };
  const memberIds = async (groupId: string): Promise<string[]> => {
    const res = await t.scim('GET', `/Groups/${groupId}`);
    return ((res.json.members ?? []) as { value: string }[]).map((m) => m.value).sort();
  };

  it('creates a group with members, rendered with $ref, display and type', async () => {
    const group = await createGroup('Tour Guides', [id(0), id(1)]);
    expect(group).toMatchObject({
      schemas: [GROUP_SCHEMA],
      displayName: 'Tour Guides',
      meta: { resourceType: 'Group', version: 'W/"1"' },
    });
    expect(group.members).toEqual(
      [0, 1]
        .map((i) => ({
          value: id(i),
          $ref: `http://tessera.test/scim/v2/Users/${id(i)}`,
          display: users[i]?.userName.toUpperCase(),
          type: 'User',
        }))
        .sort((a, b) => (a.value < b.value ? -1 : 1)),
    );
    const user = await t.scim('GET', `/Users/${id(0)}`);
    expect(user.json.groups).toEqual([
      {
        value: group.id,
        $ref: `http://tessera.test/scim/v2/Groups/${group.id}`,
        display: 'Tour Guides',
        type: 'direct',
      },
    ]);
  });

  it('drops member references that name no user, and refuses a taken displayName (409)', async () => {
    const group = await createGroup('Dangling', [
      id(0),
      'string id 1',
      '0190a000-0000-7000-8000-000000000000',
    ]);
    expect(await memberIds(group.id)).toEqual([id(0)]);
    const again = await t.scim('POST', '/Groups', groupBody('DANGLING'));
    expect(again.status).toBe(409);
    expect(again.json.scimType).toBe('uniqueness');
  });

  it("keeps the label a client gives a member, else shows the user's name; answers on /groups too", async () => {
    const res = await t.scim(
      'POST',
      '/groups',
      groupBody('Labelled', [], { members: [{ value: id(0), display: 'VP' }] }),
    );
    expect(res.status).toBe(201);
    await t.scim(
      'PATCH',
      `/groups/${res.json.id}`,
      patchOp({
        op: 'add',
        path: 'members',
        value: [{ displayName: 'new User', value: id(1) }, { value: id(2) }],
      }),
    );
    const members = (await t.scim('GET', `/Groups/${res.json.id}`)).json.members as {
      value: string;
      display: string;
    }[];
    expect(Object.fromEntries(members.map((m) => [m.value, m.display]))).toEqual({
      [id(0)]: 'VP',
      [id(1)]: 'new User',
      [id(2)]: 'CID',
    });
  });

  it('leaves members out with excludedAttributes=members', async () => {
    const group = await createGroup('Excluded', [id(0)]);
    const res = await t.scim('GET', `/Groups/${group.id}?excludedAttributes=members`);
    expect(res.json.members).toBeUndefined();
    expect(res.json.displayName).toBe('Excluded');
  });

  describe('PATCH', () => {
    it('adds, removes by filter and by value list (Entra), replaces and removes all members', async () => {
      const group = await createGroup('Patched');
      const patch = (...ops: unknown[]) => t.scim('PATCH', `/Groups/${group.id}`, patchOp(...ops));

      let res = await patch({ op: 'Add', path: 'members', value: [{ value: id(0) }, { value: id(1) }] });
      expect(res.status).toBe(204);
      expect(res.headers.etag).toBe('W/"2"');
      expect(await memberIds(group.id)).toEqual([id(0), id(1)].sort());

      res = await patch({ op: 'remove', path: `members[value eq "${id(0).toUpperCase()}"]` });
      expect(res.status).toBe(204);
      expect(await memberIds(group.id)).toEqual([id(1)]);

      res = await patch({ op: 'Remove', path: 'members', value: [{ value: id(1) }] });
      expect(await memberIds(group.id)).toEqual([]);

      res = await patch({ op: 'replace', path: 'members', value: [{ value: id(2) }, { value: id(3) }] });
      expect(await memberIds(group.id)).toEqual([id(2), id(3)].sort());

      res = await patch({ op: 'add', value: { members: [{ value: id(0) }], displayName: 'Patched Again' } });
      expect(await memberIds(group.id)).toEqual([id(0), id(2), id(3)].sort());
      expect((await t.scim('GET', `/Groups/${group.id}`)).json.displayName).toBe('Patched Again');

      res = await patch({ op: 'remove', path: 'members' });
      expect(await memberIds(group.id)).toEqual([]);
      // Removing a member that is not there changes nothing and is no error.
      res = await patch({ op: 'remove', path: `members[value eq "${id(0)}"]` });
      expect(res.status).toBe(204);
    });

    it('applies operations in order: add then remove of one member leaves it out', async () => {
      const group = await createGroup('Ordered');
      await t.scim(
        'PATCH',
        `/Groups/${group.id}`,
        patchOp(
          { op: 'add', path: 'members', value: [{ value: id(0) }, { value: id(1) }] },
          { op: 'remove', path: `members[value eq "${id(0)}" or value eq "${id(2)}"]` },
          { op: 'replace', path: 'displayName', value: 'Ordered Renamed' },
        ),
      );
      const res = await t.scim('GET', `/Groups/${group.id}`);
      expect(res.json.displayName).toBe('Ordered Renamed');
      expect(await memberIds(group.id)).toEqual([id(1)]);
    });

    it('answers with the group when attributes are asked for', async () => {
      const group = await createGroup('Echoed');
      const res = await t.scim(
        'PATCH',
        `/Groups/${group.id}?attributes=displayName,members`,
        patchOp({ op: 'add', path: 'members', value: [{ value: id(0) }] }),
      );
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({ id: group.id, displayName: 'Echoed', members: [{ value: id(0) }] });
      expect(res.json.meta).toBeUndefined();
    });

    it('changes nothing when one operation fails', async () => {
      const group = await createGroup('Atomic', [id(0)]);
      const res = await t.scim(
        'PATCH',
        `/Groups/${group.id}`,
        patchOp(
          { op: 'add', path: 'members', value: [{ value: id(1) }] },
          { op: 'replace', path: 'displayName', value: 'Atomic Renamed' },
          { op: 'replace', path: 'id', value: 'nope' },
        ),
      );
      expect(res.status).toBe(400);
      expect(res.json.scimType).toBe('mutability');
      const after = await t.scim('GET', `/Groups/${group.id}`);
      expect(after.json.displayName).toBe('Atomic');
      expect(after.json.meta.version).toBe('W/"1"');
      expect(await memberIds(group.id)).toEqual([id(0)]);
    });

    it.each([
      {
        what: 'a member sub-attribute',
        op: { op: 'replace', path: 'members[value eq "x"].display', value: 'y' },
        scimType: 'mutability',
      },
      {
        what: 'an unknown attribute',
        op: { op: 'replace', path: 'colour', value: 'y' },
        scimType: 'invalidPath',
      },
      {
        what: 'a members filter not by value',
        op: { op: 'remove', path: 'members[display eq "x"]' },
        scimType: 'invalidPath',
      },
      { what: 'a remove without path', op: { op: 'remove' }, scimType: 'noTarget' },
      { what: 'an unknown op', op: { op: 'move', path: 'displayName' }, scimType: 'invalidSyntax' },
      {
        what: 'a malformed path',
        op: { op: 'add', path: 'members[value eq', value: [] },
        scimType: 'invalidFilter',
      },
      { what: 'removing displayName', op: { op: 'remove', path: 'displayName' }, scimType: 'mutability' },
    ])('refuses $what with 400 $scimType', async ({ op, scimType }) => {
      const group = await createGroup(`Refuses ${scimType} ${Math.random()}`);
      const res = await t.scim('PATCH', `/Groups/${group.id}`, patchOp(op));
      expect(res.status, res.body).toBe(400);
      expect(res.json.scimType).toBe(scimType);
    });

    it('honours If-Match and bumps the version (ETag) when only members change', async () => {
      const group = await createGroup('Versioned');
      const stale = await t.scim(
        'PATCH',
        `/Groups/${group.id}`,
        patchOp({ op: 'add', path: 'members', value: [{ value: id(0) }] }),
        { 'if-match': 'W/"5"' },
      );
      expect(stale.status).toBe(412);
      const ok = await t.scim(
        'PATCH',
        `/Groups/${group.id}`,
        patchOp({ op: 'add', path: 'members', value: [{ value: id(0) }] }),
        { 'if-match': 'W/"1"' },
      );
      expect(ok.status).toBe(204);
      expect(ok.headers.etag).toBe('W/"2"');
      // The admin API's member changes move the ETag too.
      await t.admin('POST', `/groups/${group.id}/members`, { add: [id(1)] });
      expect((await t.scim('GET', `/Groups/${group.id}`)).headers.etag).toBe('W/"3"');
    });
  });

  it('replaces attributes and members with PUT', async () => {
    const group = await createGroup('Put Me', [id(0), id(1)]);
    const res = await t.scim('PUT', `/Groups/${group.id}`, {
      schemas: [GROUP_SCHEMA],
      id: group.id,
      displayName: 'Put Done',
      externalId: 'ext-1',
      members: [{ value: id(1), display: 'ignored' }, { value: id(2) }],
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ displayName: 'Put Done', externalId: 'ext-1' });
    expect(await memberIds(group.id)).toEqual([id(1), id(2)].sort());
    const cleared = await t.scim('PUT', `/Groups/${group.id}`, {
      schemas: [GROUP_SCHEMA],
      displayName: 'Put Done',
    });
    expect(cleared.json.members).toBeUndefined();
    expect(cleared.json.externalId).toBeUndefined();
  });

  it('deletes a group (204) and its memberships', async () => {
    const group = await createGroup('Doomed', [id(3)]);
    expect((await t.scim('DELETE', `/Groups/${group.id}`)).status).toBe(204);
    expect((await t.scim('GET', `/Groups/${group.id}`)).status).toBe(404);
    const user = await t.scim('GET', `/Users/${id(3)}`);
    expect((user.json.groups ?? []).map((g: { value: string }) => g.value)).not.toContain(group.id);
  });

  it('grants the roles bound to a group to the members an identity provider pushes', async () => {
    const group = await createGroup('Billing Readers');
    expect(
      (await t.admin('POST', '/roles', { name: 'billing-reader', permissions: ['tessera:billing-read'] }))
        .status,
    ).toBe(201);
    expect((await t.admin('PUT', `/groups/${group.id}/roles/billing-reader`)).status).toBe(200);
    const before = await t.admin('GET', `/users/${id(2)}/access`);
    await t.scim(
      'PATCH',
      `/Groups/${group.id}`,
      patchOp({ op: 'add', path: 'members', value: [{ value: id(2) }] }),
    );
    const after = await t.admin('GET', `/users/${id(2)}/access`);
    expect(after.json.roles).toContain('billing-reader');
    expect(after.json.aver).toBe(before.json.aver + 1);
    const audit = await t.admin('GET', `/audit?targetId=${group.id}`);
    const rows = (audit.json.items ?? audit.json) as { action: string; actorId: string }[];
    expect(rows.find((r) => r.action === 'group.members_added')?.actorId).toBe(t.idpClientId);
  });
});

describeDialects('SCIM Groups at scale', (dialect) => {
  let t: ScimTestApp;
  beforeAll(async () => {
    t = await startScimApp(dialect);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('adds and removes 2,000 members in one PATCH each', async () => {
    const ids: string[] = [];
    const { runtime } = t;
    for (let i = 0; i < 2000; i++) {
      const { createUser } = await import('../../src/core/users/service.js');
      const user = await createUser(runtime.ctx, { type: 'system', id: 'test' }, { userName: `bulk-${i}` });
      ids.push(user.id);
    }
    const group = await t.scim('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Everyone' });
    const add = await t.scim(
      'PATCH',
      `/Groups/${group.json.id}`,
      patchOp({ op: 'add', path: 'members', value: ids.map((value) => ({ value })) }),
    );
    expect(add.status).toBe(204);
    const listed = await t.scim('GET', `/Groups/${group.json.id}`);
    expect(listed.json.members).toHaveLength(2000);
    const filtered = await t.scim(
      'GET',
      `/Groups?filter=${encodeURIComponent(`members[value eq "${ids[1999]}"]`)}&excludedAttributes=members`,
    );
    expect(filtered.json.totalResults).toBe(1);
    const remove = await t.scim(
      'PATCH',
      `/Groups/${group.json.id}`,
      patchOp({ op: 'remove', path: 'members', value: ids.slice(0, 1500).map((value) => ({ value })) }),
    );
    expect(remove.status).toBe(204);
    expect((await t.scim('GET', `/Groups/${group.json.id}`)).json.members).toHaveLength(500);
  }, 120_000);
});
