import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { describeDialects } from '../support/stores.js';

describeDialects('revocation', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect);
  });
  afterAll(async () => t?.close());

  const eventsSince = async (position: number) => t.runtime.store.readEvents(position, 100);

  it("revokes a user's tokens issued before now: one event, aver moves, audited", async () => {
    const user = (await t.admin('POST', '/users', { userName: 'revokee' })).json;
    const start = await t.runtime.store.lastEventPosition();
    const res = await t.admin('POST', `/users/${user.id}/revoke-tokens`);
    expect(res.status).toBe(200);
    expect(res.json.userId).toBe(user.id);
    const events = await eventsSince(start);
    expect(events.map((e) => e.type)).toEqual(['user.tokens_revoked']);
    expect(events[0]).toMatchObject({ subjectId: user.id, subjectVersion: user.aver + 1 });
    // Rounded up: a token issued in the same second as the revocation may predate it.
    expect(events[0]?.data.iatBefore).toBe(Math.ceil(new Date(res.json.before).getTime() / 1000));
    const audit = (await t.admin('GET', `/audit?targetId=${user.id}&action=user.tokens_revoked`)).json.items;
    expect(audit).toHaveLength(1);
  });

  it('accepts a past instant, refuses a future one, and answers 404 for an unknown user', async () => {
    const user = (await t.admin('POST', '/users', { userName: 'incident' })).json;
    const past = new Date(Date.now() - 60_000).toISOString();
    const ok = await t.admin('POST', `/users/${user.id}/revoke-tokens`, { before: past });
    expect(ok.status).toBe(200);
    expect(new Date(ok.json.before).toISOString()).toBe(past);
    const future = await t.admin('POST', `/users/${user.id}/revoke-tokens`, {
      before: new Date(Date.now() + 3_600_000).toISOString(),
    });
    expect(future.status).toBe(400);
    expect(future.json.field).toBe('before');
    const unknown = await t.admin('POST', '/users/0190a0b0-0000-7000-8000-000000000000/revoke-tokens');
    expect(unknown.status).toBe(404);
  });

  it('revokes one token by jti, remembering it no longer than the longest token lifetime', async () => {
    const start = await t.runtime.store.lastEventPosition();
    const farFuture = Math.floor(Date.now() / 1000) + 86_400 * 365;
    const res = await t.admin('POST', '/tokens/revoke', { jti: 'abcdefghijklmnop', exp: farFuture });
    expect(res.status).toBe(200);
    const [event] = await eventsSince(start);
    expect(event).toMatchObject({
      type: 'token.revoked',
      subjectType: 'token',
      subjectId: 'abcdefghijklmnop',
    });
    const exp = event?.data.exp as number;
    expect(exp).toBeLessThanOrEqual(Math.ceil((Date.now() + 600_000) / 1000));
    expect((await t.admin('POST', '/tokens/revoke', {})).status).toBe(400);
  });

  it("refuses, on Tessera's own APIs, a token revoked by jti and the tokens of a client disabled since", async () => {
    const created = await t.admin('POST', '/clients', {
      name: 'second-admin',
      roles: ['tessera-admin'],
      defaultAudience: 'urn:tessera:admin',
    });
    const issue = async () =>
      (
        await t.app.inject({
          method: 'POST',
          url: '/oauth2/token',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          payload: `grant_type=client_credentials&client_id=${created.json.clientId}&client_secret=${created.json.clientSecret}`,
        })
      ).json().access_token as string;
    const use = async (token: string) =>
      (
        await t.app.inject({
          method: 'GET',
          url: '/admin/v1/users',
          headers: { authorization: `Bearer ${token}` },
        })
      ).statusCode;
    const first = await issue();
    const second = await issue();
    expect(await use(first)).toBe(200);
    const { jti, exp } = JSON.parse(Buffer.from(first.split('.')[1] ?? '', 'base64url').toString());
    expect((await t.admin('POST', '/tokens/revoke', { jti, exp })).status).toBe(200);
    expect(await use(first)).toBe(401);
    expect(await use(second)).toBe(200);
    await t.admin('PATCH', `/clients/${created.json.id}`, { enabled: false });
    expect(await use(second)).toBe(401);
  });

  it('withdraws a signing key at once: it leaves the JWKS and its tokens stop working', async () => {
    const token = await t.adminToken();
    const kid = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()).kid as string;
    const res = await t.app.inject({
      method: 'POST',
      url: `/admin/v1/keys/${kid}/revoke`,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.statusCode).toBe(200);
    const jwks = (await t.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json();
    expect(jwks.keys.map((k: { kid: string }) => k.kid)).not.toContain(kid);
    const refused = await t.app.inject({
      method: 'GET',
      url: '/admin/v1/users',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(refused.statusCode).toBe(401);
    // Signing goes on with a replacement key.
    const fresh = await t.adminToken();
    expect(JSON.parse(Buffer.from(fresh.split('.')[0] ?? '', 'base64url').toString()).kid).not.toBe(kid);
    const again = await t.app.inject({
      method: 'GET',
      url: '/admin/v1/users',
      headers: { authorization: `Bearer ${fresh}` },
    });
    expect(again.statusCode).toBe(200);
  });
});
