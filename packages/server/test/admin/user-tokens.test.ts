import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { describeDialects } from '../support/stores.js';

describeDialects('admin-minted user tokens', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect);
    await t.admin('POST', '/applications', {
      name: 'billing',
      audience: 'https://billing.example',
      namespace: 'billing',
    });
  });
  afterAll(async () => t?.close());

  it('carry roles, the audience permissions, aver and the provenance claims, and are audited', async () => {
    const user = (await t.admin('POST', '/users', { userName: 'tokened' })).json;
    await t.admin('POST', '/roles', { name: 'payer', permissions: ['billing:pay', 'reports:read'] });
    await t.admin('POST', '/roles', { name: 'viewer-b', permissions: ['billing:read'] });
    const group = (await t.admin('POST', '/groups', { displayName: 'Payers' })).json;
    await t.admin('PUT', `/groups/${group.id}/roles/payer`);
    await t.admin('POST', `/groups/${group.id}/members`, { add: [user.id] });
    await t.admin('PUT', `/users/${user.id}/roles/viewer-b`);

    const res = await t.admin('POST', `/users/${user.id}/tokens`, { audience: 'https://billing.example' });
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const jwks = (await t.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json();
    const { payload } = await jwtVerify(res.json.access_token, createLocalJWKSet(jwks), {
      issuer: 'http://tessera.test',
      audience: 'https://billing.example',
      typ: 'at+jwt',
    });
    expect(payload).toMatchObject({
      sub: user.id,
      client_id: t.adminClientId,
      roles: ['payer', 'viewer-b'],
      permissions: ['billing:pay', 'billing:read'],
      // created (1), joined the group (2), granted viewer-b (3); binding payer to the group is
      // the group's change, not the user's.
      aver: 3,
      grp: [group.id],
      drl: ['viewer-b'],
    });
    const audit = (await t.admin('GET', `/audit?targetId=${user.id}&action=token.issued_for_user`)).json
      .items;
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit)).not.toContain(res.json.access_token);
  });

  it('refuse a disabled user and an unknown audience', async () => {
    const user = (await t.admin('POST', '/users', { userName: 'off', active: false })).json;
    const disabled = await t.admin('POST', `/users/${user.id}/tokens`, {
      audience: 'https://billing.example',
    });
    expect(disabled.status).toBe(400);
    expect(disabled.json.code).toBe('ERR_INVALID_GRANT');
    const other = (await t.admin('POST', '/users', { userName: 'on' })).json;
    const unknown = await t.admin('POST', `/users/${other.id}/tokens`, {
      audience: 'https://nowhere.example',
    });
    expect(unknown.status).toBe(400);
    expect(unknown.json.code).toBe('ERR_INVALID_TARGET');
  });
});
