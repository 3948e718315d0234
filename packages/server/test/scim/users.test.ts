/** /scim/v2/Users: create, read, replace, delete, ETags, uniqueness, bad input, audit and effects. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeDialects } from '../support/stores.js';
import { ENTERPRISE, ERROR, type ScimTestApp, startScimApp, USER_SCHEMA, userBody } from './support.js';

describeDialects('SCIM Users', (dialect) => {
  let t: ScimTestApp;
  beforeAll(async () => {
    t = await startScimApp(dialect);
  });
  afterAll(async () => {
    await t?.close();
  });

  const create = async (userName: string, extra: Record<string, unknown> = {}) => {
    const res = await t.scim('POST', '/Users', userBody(userName, extra));
    expect(res.status, res.body).toBe(201);
    return res;
  };

  describe('create and read', () => {
    it('answers 201 with Location, ETag and the RFC 7643 §4.1 shape', async () => {
      const res = await create('bjensen@example.com', {
        externalId: 'bjensen',
        name: {
          formatted: 'Ms. Barbara J Jensen III',
          familyName: 'Jensen',
          givenName: 'Barbara',
          middleName: 'Jane',
        },
        displayName: 'Babs Jensen',
        nickName: 'Babs',
        title: 'Tour Guide',
        emails: [{ value: 'bjensen@example.com', type: 'work', primary: true }],
        phoneNumbers: [{ value: '555-555-8377', type: 'work' }],
        addresses: [
          { type: 'work', streetAddress: '100 Universal City Plaza', locality: 'Hollywood', primary: true },
        ],
        [ENTERPRISE]: {
          employeeNumber: '701984',
          department: 'Tour Operations',
          manager: { value: 'mgr-1' },
        },
        schemas: [USER_SCHEMA, ENTERPRISE],
      });
      const user = res.json;
      expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
      expect(res.headers.location).toBe(`http://tessera.test/scim/v2/Users/${user.id}`);
      expect(res.headers.etag).toBe('W/"1"');
      expect(user).toMatchObject({
        schemas: [USER_SCHEMA, ENTERPRISE],
        userName: 'bjensen@example.com',
        externalId: 'bjensen',
        name: { familyName: 'Jensen', givenName: 'Barbara', middleName: 'Jane' },
        nickName: 'Babs',
        active: true,
        phoneNumbers: [{ value: '555-555-8377', type: 'work' }],
        [ENTERPRISE]: {
          employeeNumber: '701984',
          department: 'Tour Operations',
          manager: { value: 'mgr-1' },
        },
        meta: { resourceType: 'User', location: res.headers.location, version: 'W/"1"' },
      });
      expect(Date.parse(user.meta.created)).not.toBeNaN();
      const read = await t.scim('GET', `/Users/${user.id}`);
      expect(read.status).toBe(200);
      expect(read.headers.etag).toBe('W/"1"');
      expect(read.json).toEqual(user);
    });

    it('reads attribute names in any case, string booleans, and ignores readOnly and unknown attributes', async () => {
      const res = await create('casey', {
        ACTIVE: 'False',
        DisplayName: 'Casey',
        Emails: [{ Value: 'casey@example.com', Primary: 'True', TYPE: 'work' }],
        id: 'not-mine',
        meta: { created: '2019-01-01T00:00:00Z' },
        groups: [{ value: 'x' }],
        favouriteColour: 'green',
        [ENTERPRISE.toLowerCase()]: { Department: 'R&D' },
      });
      expect(res.json).toMatchObject({
        active: false,
        displayName: 'Casey',
        emails: [{ value: 'casey@example.com', primary: true, type: 'work' }],
        [ENTERPRISE]: { department: 'R&D' },
      });
      expect(res.json.id).not.toBe('not-mine');
      expect(res.json.groups).toBeUndefined();
      expect(res.json.favouriteColour).toBeUndefined();
      expect(res.json.meta.created).not.toBe('2019-01-01T00:00:00Z');
    });

    it('accepts application/json bodies and email values that are not addresses (RFC 7643 §4.1.2 SHOULD)', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/scim/v2/Users',
        headers: { authorization: `Bearer ${await t.idpToken()}`, 'content-type': 'application/json' },
        payload: JSON.stringify(
          userBody('plain-json', { emails: [{ value: 'emailName357', type: 'work' }] }),
        ),
      });
      expect(res.statusCode).toBe(201);
      expect(res.json().emails).toEqual([{ value: 'emailName357', type: 'work' }]);
    });

    it('answers 304 to If-None-Match naming the current version, 200 otherwise', async () => {
      const { json: user } = await create('conditional');
      const same = await t.scim('GET', `/Users/${user.id}`, undefined, { 'if-none-match': 'W/"1"' });
      expect(same.status).toBe(304);
      expect(same.body).toBe('');
      expect(same.headers.etag).toBe('W/"1"');
      expect((await t.scim('GET', `/Users/${user.id}`, undefined, { 'if-none-match': '"1"' })).status).toBe(
        304,
      );
      expect((await t.scim('GET', `/Users/${user.id}`, undefined, { 'if-none-match': '*' })).status).toBe(
        304,
      );
      expect(
        (await t.scim('GET', `/Users/${user.id}`, undefined, { 'if-none-match': 'W/"7", W/"8"' })).status,
      ).toBe(200);
    });

    it('answers 404 with a SCIM error for an unknown id', async () => {
      const res = await t.scim('GET', '/Users/0190a000-0000-7000-8000-000000000000');
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
      expect(res.json).toEqual({ schemas: [ERROR], status: '404', detail: expect.any(String) });
      expect((await t.scim('GET', '/Users/not-a-uuid')).status).toBe(404);
    });

    it('projects with attributes and excludedAttributes, always keeping id and schemas', async () => {
      const { json: user } = await create('projected', {
        name: { givenName: 'Pro', familyName: 'Jected' },
        emails: [{ value: 'p@example.com', type: 'work' }],
        [ENTERPRISE]: { department: 'Sales', costCenter: '42' },
      });
      const some = await t.scim(
        'GET',
        `/Users/${user.id}?attributes=userName,name.givenName,${ENTERPRISE}:department`,
      );
      expect(some.json).toEqual({
        schemas: [USER_SCHEMA, ENTERPRISE],
        id: user.id,
        userName: 'projected',
        name: { givenName: 'Pro' },
        [ENTERPRISE]: { department: 'Sales' },
      });
      const without = await t.scim(
        'GET',
        `/Users/${user.id}?excludedAttributes=emails,meta,id,${ENTERPRISE}`,
      );
      expect(without.json.emails).toBeUndefined();
      expect(without.json.meta).toBeUndefined();
      expect(without.json[ENTERPRISE]).toBeUndefined();
      expect(without.json.id).toBe(user.id);
    });
  });

  describe('uniqueness', () => {
    it('refuses a userName taken in another case with 409 uniqueness', async () => {
      await create('Unique.One');
      const res = await t.scim('POST', '/Users', userBody('UNIQUE.ONE'));
      expect(res.status).toBe(409);
      expect(res.json).toEqual({
        schemas: [ERROR],
        status: '409',
        scimType: 'uniqueness',
        detail: expect.any(String),
      });
    });

    it('answers two concurrent creates of one userName with one 201 and one 409', async () => {
      const [a, b] = await Promise.all([
        t.scim('POST', '/Users', userBody('racer')),
        t.scim('POST', '/Users', userBody('RACER')),
      ]);
      expect([a?.status, b?.status].sort()).toEqual([201, 409]);
      const list = await t.scim('GET', `/Users?filter=${encodeURIComponent('userName eq "racer"')}`);
      expect(list.json.totalResults).toBe(1);
    });
  });

  describe('replace (PUT)', () => {
    it('replaces every attribute; what the body leaves out is cleared', async () => {
      const { json: user } = await create('replace-me', {
        displayName: 'Before',
        title: 'Engineer',
        emails: [{ value: 'before@example.com' }],
        [ENTERPRISE]: { department: 'Old' },
      });
      const res = await t.scim('PUT', `/Users/${user.id}`, {
        schemas: [USER_SCHEMA],
        id: user.id,
        userName: 'replace-me',
        name: { formatted: 'NewName' },
        active: 'false',
        adreses: [{ country: 'Germany' }],
      });
      expect(res.status).toBe(200);
      expect(res.headers.etag).toBe('W/"2"');
      expect(res.json).toMatchObject({
        userName: 'replace-me',
        name: { formatted: 'NewName' },
        active: false,
      });
      for (const gone of ['displayName', 'title', 'emails', ENTERPRISE, 'adreses'])
        expect(res.json[gone], gone).toBeUndefined();
      expect(res.json.schemas).toEqual([USER_SCHEMA]);
    });

    it('needs userName (400 invalidValue) and leaves the user as it was', async () => {
      const { json: user } = await create('needs-name', { displayName: 'Kept' });
      const res = await t.scim('PUT', `/Users/${user.id}`, { schemas: [USER_SCHEMA], userame: 'typo' });
      expect(res.status).toBe(400);
      expect(res.json.scimType).toBe('invalidValue');
      expect((await t.scim('GET', `/Users/${user.id}`)).json.displayName).toBe('Kept');
    });

    it('honours If-Match: 412 for another version, weak or strong tags of the current one pass', async () => {
      const { json: user } = await create('if-match');
      const body = userBody('if-match', { displayName: 'x' });
      const stale = await t.scim('PUT', `/Users/${user.id}`, body, { 'if-match': 'W/"9"' });
      expect(stale.status).toBe(412);
      expect(stale.json).toEqual({ schemas: [ERROR], status: '412', detail: expect.any(String) });
      expect((await t.scim('PUT', `/Users/${user.id}`, body, { 'if-match': 'W/"1"' })).status).toBe(200);
      expect((await t.scim('PUT', `/Users/${user.id}`, body, { 'if-match': '"2"' })).status).toBe(200);
      expect((await t.scim('PUT', `/Users/${user.id}`, body, { 'if-match': '*' })).status).toBe(200);
      expect((await t.scim('DELETE', `/Users/${user.id}`, undefined, { 'if-match': 'W/"1"' })).status).toBe(
        412,
      );
    });
  });

  describe('delete', () => {
    it('answers 204, then 404', async () => {
      const { json: user } = await create('delete-me');
      const res = await t.scim('DELETE', `/Users/${user.id}`);
      expect(res.status).toBe(204);
      expect(res.body).toBe('');
      expect((await t.scim('GET', `/Users/${user.id}`)).status).toBe(404);
      expect((await t.scim('DELETE', `/Users/${user.id}`)).status).toBe(404);
    });
  });

  describe('bad input', () => {
    it.each([
      { what: 'not JSON', body: '{"userName": tre', scimType: 'invalidSyntax' },
      { what: 'an array', body: '[]', scimType: 'invalidSyntax' },
      { what: 'a string userName of the wrong type', body: { userName: 42 }, scimType: 'invalidValue' },
      {
        what: 'active that is not a boolean',
        body: { userName: 'x1', active: 'yes' },
        scimType: 'invalidValue',
      },
      {
        what: 'emails that are not objects',
        body: { userName: 'x2', emails: [42] },
        scimType: 'invalidValue',
      },
      {
        what: 'two primary emails',
        body: {
          userName: 'x3',
          emails: [
            { value: 'a@x', primary: true },
            { value: 'b@x', primary: true },
          ],
        },
        scimType: 'invalidValue',
      },
      { what: 'no userName', body: { displayName: 'nameless' }, scimType: 'invalidValue' },
      {
        what: 'the Group schema',
        body: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], userName: 'x4' },
        scimType: 'invalidSyntax',
      },
      { what: 'a userName too long', body: { userName: 'x'.repeat(300) }, scimType: 'invalidValue' },
      {
        what: 'a lone surrogate',
        body: { userName: 'x5', title: 'bad \ud800 text' },
        scimType: 'invalidValue',
      },
    ])('answers $what with 400 $scimType', async ({ body, scimType }) => {
      const res = await t.scim('POST', '/Users', body);
      expect(res.status, res.body).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
      expect(res.json).toEqual({ schemas: [ERROR], status: '400', scimType, detail: expect.any(String) });
    });

    it('answers 415 for a body that is not JSON, 413 beyond 1 MiB', async () => {
      const token = await t.idpToken();
      const text = await t.app.inject({
        method: 'POST',
        url: '/scim/v2/Users',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain' },
        payload: 'userName=x',
      });
      expect(text.statusCode).toBe(415);
      expect(text.json()).toMatchObject({ schemas: [ERROR], status: '415' });
      const big = await t.scim('POST', '/Users', userBody('big', { title: 'x'.repeat(1_100_000) }));
      expect(big.status).toBe(413);
      expect(big.json).toMatchObject({ schemas: [ERROR], status: '413' });
    });
  });

  describe('effects', () => {
    it("journals SCIM writes with the identity provider's client as actor", async () => {
      const { json: user } = await create('audited');
      await t.scim('PUT', `/Users/${user.id}`, userBody('audited', { active: false }));
      await t.scim('DELETE', `/Users/${user.id}`);
      const audit = await t.admin('GET', `/audit?targetId=${user.id}`);
      const rows = (audit.json.items ?? audit.json) as {
        action: string;
        actorId: string;
        actorType: string;
      }[];
      expect(rows.map((r) => r.action)).toEqual(['user.created', 'user.disabled', 'user.deleted']);
      for (const row of rows) expect(row).toMatchObject({ actorType: 'client', actorId: t.idpClientId });
    });

    it('bumps aver and tells verifiers when active changes', async () => {
      const { json: user } = await create('toggled');
      const before = await t.admin('GET', `/users/${user.id}/access`);
      await t.scim('PUT', `/Users/${user.id}`, userBody('toggled', { active: 'False' }));
      const after = await t.admin('GET', `/users/${user.id}/access`);
      expect(after.json.aver).toBe(before.json.aver + 1);
    });

    it('keeps SCIM attributes when an admin edits the user, and admin-only state away from SCIM', async () => {
      const { json: user } = await create('shared', { title: 'Kept', displayName: 'IdP' });
      const role = await t.admin('POST', '/roles', { name: 'viewer', permissions: ['tessera:read'] });
      expect(role.status).toBe(201);
      expect((await t.admin('PUT', `/users/${user.id}/roles/viewer`)).status).toBe(200);
      expect((await t.admin('PATCH', `/users/${user.id}`, { displayName: 'Admin' })).status).toBe(200);
      const read = await t.scim('GET', `/Users/${user.id}`);
      expect(read.json).toMatchObject({ title: 'Kept', displayName: 'Admin' });
      expect(read.json.roles).toBeUndefined();
      // The IdP's PUT owns what it sends, and never touches the role grant.
      await t.scim('PUT', `/Users/${user.id}`, userBody('shared', { displayName: 'IdP again' }));
      const access = await t.admin('GET', `/users/${user.id}/access`);
      expect(access.json.directRoles).toEqual(['viewer']);
    });
  });
});
