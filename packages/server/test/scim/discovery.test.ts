/** Authentication of /scim/v2 and the discovery endpoints (RFC 7643 §5-§7, RFC 7644 §4). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeDialects } from '../support/stores.js';
import {
  ENTERPRISE,
  ERROR,
  GROUP_SCHEMA,
  LIST,
  type ScimTestApp,
  startScimApp,
  USER_SCHEMA,
} from './support.js';

describeDialects('SCIM discovery and authentication', (dialect) => {
  let t: ScimTestApp;
  beforeAll(async () => {
    t = await startScimApp(dialect);
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('authentication', () => {
    const get = (headers: Record<string, string>) =>
      t.app.inject({ method: 'GET', url: '/scim/v2/Users', headers });

    it('answers 401 with a SCIM error and a bearer challenge without a valid token', async () => {
      const none = await get({});
      expect(none.statusCode).toBe(401);
      expect(none.headers['www-authenticate']).toBe('Bearer realm="tessera"');
      expect(none.json()).toMatchObject({ schemas: [ERROR], status: '401' });
      const bad = await get({ authorization: 'Bearer not.a.token' });
      expect(bad.statusCode).toBe(401);
      expect(bad.headers['www-authenticate']).toContain('error="invalid_token"');
    });

    it('answers 403 to a token without tessera:scim, and lets tessera:admin in', async () => {
      expect(
        (await t.admin('POST', '/roles', { name: 'reader', permissions: ['tessera:read'] })).status,
      ).toBe(201);
      const client = await t.admin('POST', '/clients', {
        name: 'not an IdP',
        defaultAudience: 'urn:tessera:admin',
        roles: ['reader'],
      });
      const basic = Buffer.from(`${client.json.clientId}:${client.json.clientSecret}`).toString('base64');
      const token = await t.app.inject({
        method: 'POST',
        url: '/oauth2/token',
        headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'grant_type=client_credentials',
      });
      const forbidden = await get({ authorization: `Bearer ${token.json().access_token}` });
      expect(forbidden.statusCode).toBe(403);
      expect(forbidden.headers['www-authenticate']).toContain('insufficient_scope');
      expect((await get({ authorization: `Bearer ${await t.adminToken()}` })).statusCode).toBe(200);
    });

    it('answers unknown endpoints with a SCIM 404', async () => {
      const res = await t.scim('POST', '/Me', { schemas: [] });
      expect(res.status).toBe(404);
      expect(res.json).toMatchObject({ schemas: [ERROR], status: '404' });
    });
  });

  it('describes what is supported in ServiceProviderConfig (also at /serviceConfiguration)', async () => {
    for (const path of ['/ServiceProviderConfig', '/serviceConfiguration']) {
      const res = await t.scim('GET', path);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
      expect(res.json).toMatchObject({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
        patch: { supported: true },
        bulk: { supported: true, maxOperations: 1000 },
        filter: { supported: true, maxResults: 1000 },
        changePassword: { supported: false },
        sort: { supported: true },
        etag: { supported: true },
        authenticationSchemes: [{ type: 'oauthbearertoken', primary: true }],
      });
    }
  });

  it('lists the User and Group resource types, Users first', async () => {
    const res = await t.scim('GET', '/ResourceTypes');
    expect(res.json).toMatchObject({
      schemas: [LIST],
      totalResults: 2,
      Resources: [
        {
          id: 'User',
          endpoint: '/Users',
          schema: USER_SCHEMA,
          schemaExtensions: [{ schema: ENTERPRISE, required: false }],
        },
        { id: 'Group', endpoint: '/Groups', schema: GROUP_SCHEMA },
      ],
    });
    expect((await t.scim('GET', '/ResourceTypes/user')).json.id).toBe('User');
    expect((await t.scim('GET', '/ResourceTypes/Device')).status).toBe(404);
  });

  it('publishes the User, EnterpriseUser and Group schemas', async () => {
    const res = await t.scim('GET', '/Schemas');
    expect(res.json.Resources.map((s: { id: string }) => s.id)).toEqual([
      USER_SCHEMA,
      ENTERPRISE,
      GROUP_SCHEMA,
    ]);
    expect(res.body).toContain('User Account');
    const user = await t.scim('GET', `/Schemas/${USER_SCHEMA}`);
    const userName = user.json.attributes.find((a: { name: string }) => a.name === 'userName');
    expect(userName).toMatchObject({
      type: 'string',
      required: true,
      caseExact: false,
      uniqueness: 'server',
    });
    const groups = user.json.attributes.find((a: { name: string }) => a.name === 'groups');
    expect(groups).toMatchObject({ multiValued: true, mutability: 'readOnly' });
    expect((await t.scim('GET', '/Schemas/urn:nothing')).status).toBe(404);
  });
});
