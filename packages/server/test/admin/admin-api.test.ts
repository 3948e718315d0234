import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { describeDialects } from '../support/stores.js';

describeDialects('admin API', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect);
  });
  afterAll(async () => t?.close());

  describe('authentication', () => {
    it('answers 401 with an RFC 6750 challenge without a token', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/admin/v1/users' });
      expect(res.statusCode).toBe(401);
      // RFC 6750 §3.1: no error code when the request carried no credentials.
      expect(res.headers['www-authenticate']).toBe('Bearer realm="tessera"');
      expect(res.json().code).toBe('ERR_UNAUTHENTICATED');
      const malformed = await t.app.inject({
        method: 'GET',
        url: '/admin/v1/users',
        headers: { authorization: 'Basic abc' },
      });
      expect(malformed.statusCode).toBe(401);
      expect(malformed.headers['www-authenticate']).toContain('error="invalid_token"');
    });

    it('rejects a forged token with invalid_token', async () => {
      const token = await t.adminToken();
      const [h, p] = token.split('.');
      const res = await t.app.inject({
        method: 'GET',
        url: '/admin/v1/users',
        headers: { authorization: `Bearer ${h}.${p}.${'A'.repeat(86)}` },
      });
      expect(res.statusCode).toBe(401);
      expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
    });

    it('answers 403 insufficient_scope to a client without tessera:admin', async () => {
      const created = await t.admin('POST', '/clients', {
        name: 'reader',
        defaultAudience: 'urn:tessera:admin',
      });
      expect(created.status).toBe(201);
      const basic = Buffer.from(`${created.json.clientId}:${created.json.clientSecret}`).toString('base64');
      const tokenRes = await t.app.inject({
        method: 'POST',
        url: '/oauth2/token',
        headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'grant_type=client_credentials',
      });
      expect(tokenRes.statusCode).toBe(200);
      const res = await t.app.inject({
        method: 'GET',
        url: '/admin/v1/users',
        headers: { authorization: `Bearer ${tokenRes.json().access_token}` },
      });
      expect(res.statusCode).toBe(403);
      expect(res.headers['www-authenticate']).toContain('error="insufficient_scope"');
    });

    it('serves the OpenAPI document without a token', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/admin/v1/openapi.json' });
      expect(res.statusCode).toBe(200);
      const doc = res.json();
      expect(doc.openapi).toBe('3.1.0');
      expect(Object.keys(doc.paths)).toEqual(
        expect.arrayContaining(['/admin/v1/users', '/admin/v1/users/{id}']),
      );
    });
  });

  describe('users', () => {
    it('creates, reads, lists, updates with If-Match and deletes', async () => {
      const created = await t.admin('POST', '/users', {
        userName: 'Ada.Lovelace',
        name: { givenName: 'Ada', familyName: 'Lovelace' },
        emails: [{ value: 'ada@example.com', type: 'work', primary: true }],
      });
      expect(created.status).toBe(201);
      expect(created.headers.etag).toBe('"1"');
      expect(created.headers.location).toBe(`/admin/v1/users/${created.json.id}`);
      expect(created.json).toMatchObject({ userName: 'Ada.Lovelace', active: true, version: 1, aver: 1 });
      const id = created.json.id as string;

      const read = await t.admin('GET', `/users/${id}`);
      expect(read.status).toBe(200);
      expect(read.json.emails).toEqual([{ value: 'ada@example.com', type: 'work', primary: true }]);

      const stale = await t.admin('PATCH', `/users/${id}`, { displayName: 'Ada' }, { 'if-match': '"7"' });
      expect(stale.status).toBe(412);
      expect(stale.json.code).toBe('ERR_PRECONDITION_FAILED');

      const patched = await t.admin('PATCH', `/users/${id}`, { displayName: 'Ada' }, { 'if-match': '"1"' });
      expect(patched.status).toBe(200);
      expect(patched.headers.etag).toBe('"2"');
      expect(patched.json.displayName).toBe('Ada');

      const replaced = await t.admin('PUT', `/users/${id}`, { userName: 'ada' });
      expect(replaced.status).toBe(200);
      expect(replaced.json).toMatchObject({ userName: 'ada', displayName: null, emails: [], name: {} });

      const found = await t.admin('GET', '/users?userName=ADA');
      expect(found.json.items.map((u: { id: string }) => u.id)).toEqual([id]);

      const deleted = await t.admin('DELETE', `/users/${id}`);
      expect(deleted.status).toBe(204);
      expect((await t.admin('GET', `/users/${id}`)).status).toBe(404);
    });

    it('rejects a duplicate userName case-insensitively with 409 ERR_CONFLICT', async () => {
      expect((await t.admin('POST', '/users', { userName: 'grace' })).status).toBe(201);
      const dup = await t.admin('POST', '/users', { userName: 'GRACE' });
      expect(dup.status).toBe(409);
      expect(dup.headers['content-type']).toContain('application/problem+json');
      expect(dup.json).toMatchObject({ code: 'ERR_CONFLICT', status: 409, field: 'userName' });
    });

    it('answers bad input with a clear 4xx and stable codes', async () => {
      const unknownField = await t.admin('POST', '/users', { userName: 'x1', shoeSize: 42 });
      expect(unknownField.status).toBe(400);
      expect(unknownField.json.code).toBe('ERR_VALIDATION');
      expect(unknownField.json.detail).toContain('shoeSize');

      const wrongType = await t.admin('POST', '/users', { userName: 'x2', active: 'yes' });
      expect(wrongType.status).toBe(400);
      expect(wrongType.json.code).toBe('ERR_VALIDATION');

      const malformed = await t.admin('POST', '/users', '{"userName": ');
      expect(malformed.status).toBe(400);
      expect(malformed.json.code).toBe('ERR_VALIDATION');

      const badEmail = await t.admin('POST', '/users', {
        userName: 'x3',
        emails: [{ value: 'not-an-email' }],
      });
      expect(badEmail.status).toBe(400);

      const huge = await t.admin('POST', '/users', {
        userName: 'x4',
        displayName: 'a'.repeat(1024 * 1024 + 10),
      });
      expect(huge.status).toBe(413);
      expect(huge.json.code).toBe('ERR_PAYLOAD_TOO_LARGE');

      const missing = await t.admin('GET', '/users/0190a0b0-0000-7000-8000-000000000000');
      expect(missing.status).toBe(404);
      expect(missing.json.code).toBe('ERR_NOT_FOUND');

      const listed = await t.admin('GET', '/users?userName=x1');
      expect(listed.json.items).toEqual([]);
    });

    it('pages through users with a cursor', async () => {
      for (let i = 0; i < 5; i++)
        await t.admin('POST', '/users', { userName: `page-${i}`, externalId: 'paging' });
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const query: string = `/users?externalId=paging&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const page = await t.admin('GET', query);
        expect(page.status).toBe(200);
        expect(page.json.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.json.items.map((u: { userName: string }) => u.userName));
        cursor = page.json.nextCursor;
      } while (cursor);
      expect(seen).toEqual(['page-0', 'page-1', 'page-2', 'page-3', 'page-4']);
    });
  });

  describe('roles, groups and effective permissions', () => {
    it('computes the union of direct roles and roles of groups, and bumps aver on each change', async () => {
      const user = (await t.admin('POST', '/users', { userName: 'linus' })).json;
      const viewer = await t.admin('POST', '/roles', {
        name: 'viewer',
        permissions: ['invoices:read', 'reports:read'],
      });
      expect(viewer.status).toBe(201);
      await t.admin('POST', '/roles', { name: 'editor', permissions: ['invoices:write', 'invoices:read'] });
      const group = (await t.admin('POST', '/groups', { displayName: 'Finance' })).json;

      const grant = await t.admin('PUT', `/users/${user.id}/roles/viewer`);
      expect(grant.json).toEqual({ changed: true, role: 'viewer' });
      expect((await t.admin('PUT', `/users/${user.id}/roles/viewer`)).json.changed).toBe(false);
      expect((await t.admin('PUT', `/groups/${group.id}/roles/editor`)).json.changed).toBe(true);
      const members = await t.admin('POST', `/groups/${group.id}/members`, { add: [user.id] });
      expect(members.json).toEqual({ added: [user.id], removed: [] });

      const access = await t.admin('GET', `/users/${user.id}/access`);
      expect(access.json).toEqual({
        aver: 3,
        roles: ['editor', 'viewer'],
        directRoles: ['viewer'],
        groups: ['Finance'],
        groupIds: [group.id],
        permissions: ['invoices:read', 'invoices:write', 'reports:read'],
      });

      const disabled = await t.admin('PATCH', `/users/${user.id}`, { active: false });
      expect(disabled.json.aver).toBe(4);
    });

    it('changes a role held by many users with one event and no per-user write', async () => {
      const role = (await t.admin('POST', '/roles', { name: 'bulk', permissions: ['bulk:read'] })).json;
      const group = (await t.admin('POST', '/groups', { displayName: 'Many' })).json;
      const ids: string[] = [];
      for (let i = 0; i < 20; i++)
        ids.push((await t.admin('POST', '/users', { userName: `many-${i}` })).json.id);
      await t.admin('POST', `/groups/${group.id}/members`, { add: ids });
      await t.admin('PUT', `/groups/${group.id}/roles/bulk`);
      const before = await t.runtime.store.lastEventPosition();
      const avers = await Promise.all(
        ids.map(async (id) => (await t.admin('GET', `/users/${id}`)).json.aver),
      );

      const updated = await t.admin('PATCH', `/roles/${role.id}`, {
        permissions: ['bulk:read', 'bulk:write'],
      });
      expect(updated.status).toBe(200);
      const events = await t.runtime.store.readEvents(before, 100);
      expect(events.map((e) => [e.type, e.subjectId])).toEqual([['role.updated', role.id]]);
      expect(events[0]?.data).toMatchObject({ permissions: ['bulk:read', 'bulk:write'] });
      const after = await Promise.all(
        ids.map(async (id) => (await t.admin('GET', `/users/${id}`)).json.aver),
      );
      expect(after).toEqual(avers);
      const access = await t.admin('GET', `/users/${ids[3]}/access`);
      expect(access.json.permissions).toEqual(['bulk:read', 'bulk:write']);
    });

    it('rejects malformed permissions with ERR_INVALID_PERMISSION', async () => {
      for (const bad of ['Invoices:read', 'invoices', 'invoices:', ':read', 'a:b:c', 'a b:c', 'x:*y']) {
        const res = await t.admin('POST', '/roles', {
          name: `bad-${Math.random().toString(36).slice(2, 8)}`,
          permissions: [bad],
        });
        expect(res.status, bad).toBe(400);
        expect(res.json.code, bad).toBe('ERR_INVALID_PERMISSION');
      }
    });

    it('writes nothing when one part of a change fails', async () => {
      const auditBefore = (await t.admin('GET', '/audit?limit=500')).json.items.length;
      const res = await t.admin('POST', '/clients', {
        name: 'half',
        roles: ['tessera-admin', 'no-such-role'],
      });
      expect(res.status).toBe(404);
      const clients = await t.admin('GET', '/clients?limit=500');
      expect(clients.json.items.some((c: { name: string }) => c.name === 'half')).toBe(false);
      expect((await t.admin('GET', '/audit?limit=500')).json.items.length).toBe(auditBefore);
    });
  });

  describe('clients', () => {
    it('shows the secret once, rotates it, and a disabled client gets no token', async () => {
      const created = await t.admin('POST', '/clients', {
        name: 'svc',
        defaultAudience: 'urn:tessera:admin',
      });
      expect(created.json.clientSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(created.headers['cache-control']).toBe('no-store');
      const read = await t.admin('GET', `/clients/${created.json.clientId}`);
      expect(read.json.clientSecret).toBeUndefined();
      expect(read.json.secretHash).toBeUndefined();
      expect(read.body).not.toContain(created.json.clientSecret);

      const token = (secret: string) =>
        t.app.inject({
          method: 'POST',
          url: '/oauth2/token',
          headers: {
            authorization: `Basic ${Buffer.from(`${created.json.clientId}:${secret}`).toString('base64')}`,
            'content-type': 'application/x-www-form-urlencoded',
          },
          payload: 'grant_type=client_credentials',
        });
      expect((await token(created.json.clientSecret)).statusCode).toBe(200);

      const rotated = await t.admin('POST', `/clients/${created.json.id}/secret`);
      expect(rotated.json.clientSecret).not.toBe(created.json.clientSecret);
      expect((await token(created.json.clientSecret)).statusCode).toBe(401);
      expect((await token(rotated.json.clientSecret)).statusCode).toBe(200);

      await t.admin('PATCH', `/clients/${created.json.id}`, { enabled: false });
      const refused = await token(rotated.json.clientSecret);
      expect(refused.statusCode).toBe(401);
      expect(refused.json().error).toBe('invalid_client');
    });
  });

  describe('audit', () => {
    it('records admin changes with the client as actor and never a secret, and verifies the chain', async () => {
      const created = await t.admin('POST', '/clients', { name: 'audited' });
      const rows = (await t.admin('GET', `/audit?targetId=${created.json.id}`)).json.items;
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        action: 'client.created',
        actorType: 'client',
        actorId: t.adminClientId,
      });
      expect(JSON.stringify(rows)).not.toContain(created.json.clientSecret);
      const verified = await t.admin('GET', '/audit/verify');
      expect(verified.json.ok).toBe(true);
      expect(verified.json.rows).toBeGreaterThan(5);
    });
  });
});
