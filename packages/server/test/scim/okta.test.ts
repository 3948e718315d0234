/**
 * Okta's documented SCIM 2.0 request shapes (developer.okta.com, "SCIM 2.0 protocol reference"):
 * lookup by userName with startIndex/count, create with a password, PUT of the full user,
 * deprovisioning with active=false by PUT or path-less PATCH, and group push.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeDialects } from '../support/stores.js';
import { GROUP_SCHEMA, LIST, patchOp, type ScimTestApp, startScimApp, USER_SCHEMA } from './support.js';

describeDialects('SCIM as Okta drives it', (dialect) => {
  let t: ScimTestApp;
  beforeAll(async () => {
    t = await startScimApp(dialect);
  });
  afterAll(async () => {
    await t?.close();
  });

  const oktaUser = (userName: string, extra: Record<string, unknown> = {}) => ({
    schemas: [USER_SCHEMA],
    userName,
    name: { givenName: 'Test', familyName: 'User' },
    emails: [{ primary: true, value: userName, type: 'work' }],
    displayName: 'Test User',
    locale: 'en-US',
    externalId: `00u${userName.length}abc`,
    groups: [],
    password: '1mz050nq',
    active: true,
    ...extra,
  });
  const lookup = (userName: string) =>
    t.scim('GET', `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}&startIndex=1&count=100`);
  const createUser = async (userName: string) => {
    const res = await t.scim('POST', '/Users', oktaUser(userName));
    expect(res.status, res.body).toBe(201);
    return res.json as { id: string; [k: string]: unknown };
  };

  it('looks a user up, creates it, and finds it again', async () => {
    const missing = await lookup('test.user@okta.local');
    expect(missing.json).toMatchObject({ schemas: [LIST], totalResults: 0, startIndex: 1, Resources: [] });
    const user = await createUser('test.user@okta.local');
    expect(user).toMatchObject({
      userName: 'test.user@okta.local',
      active: true,
      name: { givenName: 'Test' },
    });
    expect(user).not.toHaveProperty('password');
    const found = await lookup('test.user@okta.local');
    expect(found.json).toMatchObject({ totalResults: 1, itemsPerPage: 1, startIndex: 1 });
    expect(found.json.Resources[0].id).toBe(user.id);
  });

  it('updates with a PUT of the full user, as returned by GET', async () => {
    const user = await createUser('put.user@okta.local');
    const current = (await t.scim('GET', `/Users/${user.id}`)).json;
    const res = await t.scim('PUT', `/Users/${user.id}`, {
      ...current,
      name: { givenName: 'Another', familyName: 'User' },
      password: 'new-password',
    });
    expect(res.status, res.body).toBe(200);
    expect(res.json.name).toEqual({ givenName: 'Another', familyName: 'User' });
    expect(res.json.emails).toEqual(current.emails);
  });

  it('deprovisions with active=false by PUT and by path-less PATCH, and reactivates', async () => {
    const a = await createUser('deprov.put@okta.local');
    const put = await t.scim(
      'PUT',
      `/Users/${a.id}`,
      oktaUser('deprov.put@okta.local', { id: a.id, active: false }),
    );
    expect(put.status, put.body).toBe(200);
    expect(put.json.active).toBe(false);
    const b = await createUser('deprov.patch@okta.local');
    const patch = await t.scim(
      'PATCH',
      `/Users/${b.id}`,
      patchOp({ op: 'replace', value: { active: false } }),
    );
    expect(patch.status, patch.body).toBe(204);
    expect((await t.scim('GET', `/Users/${b.id}`)).json.active).toBe(false);
    const again = await t.scim(
      'PATCH',
      `/Users/${b.id}`,
      patchOp({ op: 'replace', value: { active: true } }),
    );
    expect(again.status).toBe(204);
    expect((await t.scim('GET', `/Users/${b.id}`)).json.active).toBe(true);
  });

  it('pushes a group: create with members, add and remove members, rename', async () => {
    const users = [await createUser('gp1@okta.local'), await createUser('gp2@okta.local')];
    const [u1, u2] = users.map((u) => u.id) as [string, string];
    const created = await t.scim('POST', '/Groups', {
      schemas: [GROUP_SCHEMA],
      displayName: 'Test SCIMv2',
      members: [{ value: u1, display: 'gp1@okta.local' }],
    });
    expect(created.status, created.body).toBe(201);
    const id = created.json.id as string;
    const members = async () =>
      ((await t.scim('GET', `/Groups/${id}`)).json.members ?? [])
        .map((m: { value: string }) => m.value)
        .sort();
    expect(await members()).toEqual([u1]);

    const add = await t.scim(
      'PATCH',
      `/Groups/${id}`,
      patchOp({ op: 'add', path: 'members', value: [{ value: u2, display: 'gp2@okta.local' }] }),
    );
    expect(add.status, add.body).toBe(204);
    expect(await members()).toEqual([u1, u2].sort());

    const remove = await t.scim(
      'PATCH',
      `/Groups/${id}`,
      patchOp({ op: 'remove', path: `members[value eq "${u1}"]` }),
    );
    expect(remove.status, remove.body).toBe(204);
    expect(await members()).toEqual([u2]);

    // Okta renames with a path-less replace whose value repeats the group's id.
    const rename = await t.scim(
      'PATCH',
      `/Groups/${id}`,
      patchOp({ op: 'replace', value: { id, displayName: 'Test SCIMv2 renamed' } }),
    );
    expect(rename.status, rename.body).toBe(204);

    const put = await t.scim('PUT', `/Groups/${id}`, {
      schemas: [GROUP_SCHEMA],
      id,
      displayName: 'Test SCIMv2 final',
      members: [{ value: u1 }, { value: u2 }],
    });
    expect(put.status, put.body).toBe(200);
    expect(put.json.displayName).toBe('Test SCIMv2 final');
    expect(await members()).toEqual([u1, u2].sort());

    const byName = await t.scim(
      'GET',
      `/Groups?filter=${encodeURIComponent('displayName eq "Test SCIMv2 final"')}&startIndex=1&count=100`,
    );
    expect(byName.json.totalResults).toBe(1);
    expect((await t.scim('DELETE', `/Groups/${id}`)).status).toBe(204);
  });
});
