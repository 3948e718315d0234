/**
 * The SCIM secret token, `tscim_<client_id>.<client_secret>`: the static bearer token Entra ID
 * and Okta are configured with. It outlives any access token (here: a year later), carries the
 * client's permissions and identity into the audit log, and stops at once when the secret is
 * rotated or the client disabled.
 */
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { describeDialects } from '../support/stores.js';
import { type ScimTestApp, startScimApp, userBody } from './support.js';

const YEAR = 365 * 24 * 3600 * 1000;

describeDialects('SCIM secret token', (dialect) => {
  let t: ScimTestApp;
  beforeAll(async () => {
    t = await startScimApp(dialect);
  });
  afterAll(async () => {
    await t?.close();
  });
  const secretToken = (clientId: string, secret: string) => `tscim_${clientId}.${secret}`;
  const get = (bearer: string) =>
    t.scim('GET', '/Users?count=1', undefined, { authorization: `Bearer ${bearer}` });

  it('works as a bearer token, long after any access token has expired, with the IdP as actor', async () => {
    const token = secretToken(t.idpClientId, t.idpSecret);
    const accessToken = await t.idpToken();
    // A year on, for everything that reads the time (Date only; timers run as usual).
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + YEAR);
    try {
      expect((await get(accessToken)).status).toBe(401);
      const res = await get(token);
      expect(res.status, res.body).toBe(200);
      const created = await t.scim('POST', '/Users', userBody('static.token'), {
        authorization: `Bearer ${token}`,
      });
      expect(created.status, created.body).toBe(201);
      const audit = await t.runtime.store.listAudit({ limit: 1000, filter: { targetId: created.json.id } });
      expect(audit.map((a) => [a.action, a.actorType, a.actorId])).toEqual([
        ['user.created', 'client', t.idpClientId],
      ]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('refuses a wrong secret, an unknown client and a malformed token with 401', async () => {
    for (const bearer of [
      secretToken(t.idpClientId, `${t.idpSecret}x`),
      secretToken('tsr_nosuchclient', t.idpSecret),
      'tscim_nodot',
      `tscim_.${t.idpSecret}`,
    ]) {
      const res = await get(bearer);
      expect(res.status, bearer.slice(0, 20)).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="tessera", error="invalid_token"/);
      expect(res.json.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error']);
    }
  });

  it('answers 403 for a client without tessera:scim', async () => {
    const other = await t.admin('POST', '/clients', {
      name: 'no scim',
      defaultAudience: 'urn:tessera:admin',
    });
    expect(other.status).toBe(201);
    const res = await get(secretToken(other.json.clientId, other.json.clientSecret));
    expect(res.status).toBe(403);
  });

  it('stops at once when the client is disabled or its secret rotated', async () => {
    const client = await t.admin('POST', '/clients', {
      name: 'Okta',
      defaultAudience: 'urn:tessera:admin',
      roles: ['scim-provisioner'],
    });
    const token = secretToken(client.json.clientId, client.json.clientSecret);
    expect((await get(token)).status).toBe(200);
    const disabled = await t.admin(
      'PATCH',
      `/clients/${client.json.id}`,
      { enabled: false },
      { 'if-match': '*' },
    );
    expect(disabled.status, disabled.body).toBe(200);
    expect((await get(token)).status).toBe(401);
    await t.admin('PATCH', `/clients/${client.json.id}`, { enabled: true }, { 'if-match': '*' });
    expect((await get(token)).status).toBe(200);
    const rotated = await t.admin('POST', `/clients/${client.json.id}/secret`);
    expect(rotated.status, rotated.body).toBeLessThan(300);
    expect((await get(token)).status).toBe(401);
    expect((await get(secretToken(client.json.clientId, rotated.json.clientSecret))).status).toBe(200);
  });
});

describeDialects('SCIM secret token, failed attempts', (dialect) => {
  let t: ScimTestApp;
  beforeAll(async () => {
    t = await startScimApp(dialect, { app: { env: { TESSERA_TOKEN_FAILURE_LIMIT: '3' } } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('counts failures like the token endpoint: 401 three times, then 429 with Retry-After', async () => {
    const wrong = `tscim_${t.idpClientId}.wrong`;
    const statuses: number[] = [];
    let last: Awaited<ReturnType<ScimTestApp['scim']>> | undefined;
    for (let i = 0; i < 4; i++) {
      last = await t.scim('GET', '/Users?count=1', undefined, { authorization: `Bearer ${wrong}` });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
    expect(Number(last?.headers['retry-after'])).toBeGreaterThan(0);
    expect(last?.json).toMatchObject({ status: '429' });
    // The address is now shut out of secret tokens; access tokens are checked as before.
    const token = await t.idpToken();
    expect(
      (await t.scim('GET', '/Users?count=1', undefined, { authorization: `Bearer ${token}` })).status,
    ).toBe(200);
  });
});
