/**
 * The device authorization grant (RFC 8628) end to end, with openid-client 6 as the device and
 * a user approving through the real /device page (signed in through /login) over HTTP, on a
 * listening server of each dialect. Every RFC 8628 §3.5 answer is provoked: authorization_pending,
 * slow_down (with the interval raised), expired_token (clock moved past expiry), access_denied,
 * a code polled by another client, a second redemption.
 */
import { decodeJwt } from 'jose';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../src/core/clients/service.js';
import type { Client } from '../../src/core/model.js';
import { hashDeviceCode } from '../../src/core/oauth/device/codes.js';
import { Browser } from '../accounts/browser.js';
import { describeDialects } from '../support/stores.js';
import {
  DEVICE_GRANT,
  type DeviceServer,
  DOCS,
  decideInBrowser,
  signInAt,
  startDeviceServer,
} from './support.js';

/** openid-client's view of a public client of `t`. */
async function oauthClient(t: DeviceServer, client: Client): Promise<oidc.Configuration> {
  const config = await oidc.discovery(
    new URL(t.url),
    client.clientId,
    { id_token_signed_response_alg: 'ES256' },
    oidc.None(),
    { execute: [oidc.allowInsecureRequests] },
  );
  return config;
}

/** One raw poll of the token endpoint: status and body. */
async function poll(t: DeviceServer, clientId: string, deviceCode: string) {
  const res = await fetch(`${t.url}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: DEVICE_GRANT, device_code: deviceCode, client_id: clientId }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, string> };
}

async function deviceAuthorization(t: DeviceServer, params: Record<string, string>) {
  const res = await fetch(`${t.url}/oauth2/device_authorization`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, string> };
}

describeDialects('device authorization grant (RFC 8628)', (dialect) => {
  let t: DeviceServer;
  beforeAll(async () => {
    t = await startDeviceServer(dialect);
  });
  afterAll(async () => t?.close());

  it('openid-client gets tokens once the user approves on /device: access, refresh and ID token', async () => {
    const user = await t.user();
    const client = await t.publicClient();
    const config = await oauthClient(t, client);
    expect(config.serverMetadata().device_authorization_endpoint).toBe(
      `${t.url}/oauth2/device_authorization`,
    );

    const started = await oidc.initiateDeviceAuthorization(config, { scope: 'openid profile docs:read' });
    expect(started.user_code).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
    expect(started.verification_uri).toBe(`${t.url}/device`);
    expect(started.verification_uri_complete).toBe(`${t.url}/device?user_code=${started.user_code}`);
    expect(started.expires_in).toBe(600);
    expect(started.interval).toBe(1);
    // Only the hash is stored.
    const row = await t.test.store.getDeviceAuthorizationByDeviceCode(hashDeviceCode(started.device_code));
    expect(row?.status).toBe('pending');
    expect(JSON.stringify(row)).not.toContain(started.device_code);
    expect(JSON.stringify(row)).not.toContain(started.user_code.replace('-', ''));

    const polling = oidc.pollDeviceAuthorizationGrant(config, started);
    const { confirm, done } = await decideInBrowser(
      t.url,
      started.verification_uri_complete ?? '',
      user.userName,
      'approve',
    );
    expect(confirm).toContain(client.name);
    expect(confirm).toContain(DOCS);
    expect(confirm).toContain(started.user_code);
    expect(confirm).toContain('docs:read');
    expect(done.status).toBe(200);
    expect(done.body).toContain('Device connected');

    const tokens = await polling;
    const access = decodeJwt(tokens.access_token);
    expect(access).toMatchObject({
      sub: user.id,
      aud: DOCS,
      client_id: client.clientId,
      permissions: ['docs:read'],
    });
    expect(access.roles).toEqual(['docs-reader']);
    expect(tokens.scope).toBe('openid profile docs:read');
    expect(tokens.refresh_token).toMatch(/^tsr_/);
    // openid-client validated the ID token (signature, iss, aud, at_hash); its claims are the user's.
    expect(tokens.claims()).toMatchObject({
      sub: user.id,
      aud: client.clientId,
      preferred_username: user.userName,
    });

    // Approving on /device is a consent like /consent's: UserInfo answers for the device's token.
    const info = await oidc.fetchUserInfo(config, tokens.access_token, user.id);
    expect(info.preferred_username).toBe(user.userName);

    // The refresh token works with the refresh grant.
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token ?? '');
    expect(decodeJwt(refreshed.access_token).sub).toBe(user.id);

    // Redeemable once.
    const again = await poll(t, client.clientId, started.device_code);
    expect(again).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });

    const audit = await t.admin<{
      items: { action: string; actorId: string; summary: Record<string, unknown> }[];
    }>('GET', '/audit?action=device.approved');
    expect(audit.items.at(-1)).toMatchObject({
      actorId: user.id,
      summary: { clientId: client.clientId, audience: DOCS },
    });
  });

  it('answers authorization_pending, then slow_down to a poll inside the interval, raising it by 5 s each time', async () => {
    const client = await t.publicClient();
    const started = await deviceAuthorization(t, { client_id: client.clientId });
    expect(started.status).toBe(200);
    expect(started.headers.get('cache-control')).toBe('no-store');
    const code = started.body.device_code ?? '';
    const stored = () => t.test.store.getDeviceAuthorizationByDeviceCode(hashDeviceCode(code));

    expect(await poll(t, client.clientId, code)).toMatchObject({
      status: 400,
      body: { error: 'authorization_pending' },
    });
    expect(await poll(t, client.clientId, code)).toMatchObject({ status: 400, body: { error: 'slow_down' } });
    expect((await stored())?.intervalMs).toBe(6000);
    t.clock.advance(3000); // 3 s < 6 s: still too fast, and the interval grows again
    expect(await poll(t, client.clientId, code)).toMatchObject({ status: 400, body: { error: 'slow_down' } });
    expect((await stored())?.intervalMs).toBe(11_000);
    t.clock.advance(11_000); // waited the raised interval: pending again, interval kept
    expect(await poll(t, client.clientId, code)).toMatchObject({
      status: 400,
      body: { error: 'authorization_pending' },
    });
    expect((await stored())?.intervalMs).toBe(11_000);
  });

  it('answers expired_token once the code has expired, and /device no longer accepts it', async () => {
    const user = await t.user();
    const client = await t.publicClient();
    const started = await deviceAuthorization(t, { client_id: client.clientId });
    const browser = new Browser(t.url);
    await signInAt(browser, '/device', user.userName);
    t.clock.advance(601_000);
    expect(await poll(t, client.clientId, started.body.device_code ?? '')).toMatchObject({
      status: 400,
      body: { error: 'expired_token' },
    });
    const page = await browser.get(`/device?user_code=${started.body.user_code}`);
    expect(page.status).toBe(400);
    expect(page.body).toContain('That code is not valid');
  });

  it('answers access_denied when the user denies, and audits the denial', async () => {
    const user = await t.user();
    const client = await t.publicClient();
    const config = await oauthClient(t, client);
    const started = await oidc.initiateDeviceAuthorization(config, {});
    const polling = oidc.pollDeviceAuthorizationGrant(config, started).then(
      () => undefined,
      (err: unknown) => err,
    );
    const { done } = await decideInBrowser(
      t.url,
      started.verification_uri_complete ?? '',
      user.userName,
      'deny',
    );
    expect(done.body).toContain('Request denied');
    const err = await polling;
    expect(err).toBeInstanceOf(oidc.ResponseBodyError);
    expect((err as oidc.ResponseBodyError).error).toBe('access_denied');
    const audit = await t.admin<{ items: { actorId: string }[] }>('GET', '/audit?action=device.denied');
    expect(audit.items.map((a) => a.actorId)).toContain(user.id);
  });

  it('refuses the device code to any client but the one that asked for it', async () => {
    const user = await t.user();
    const owner = await t.publicClient();
    const thief = await t.publicClient();
    const started = await deviceAuthorization(t, { client_id: owner.clientId });
    const code = started.body.device_code ?? '';
    const { done } = await decideInBrowser(
      t.url,
      started.body.verification_uri_complete ?? '',
      user.userName,
      'approve',
    );
    expect(done.status).toBe(200);
    expect(await poll(t, thief.clientId, code)).toMatchObject({
      status: 400,
      body: { error: 'invalid_grant' },
    });
    // The owner still redeems it: the thief's attempt consumed nothing.
    const mine = await poll(t, owner.clientId, code);
    expect(mine.status).toBe(200);
    expect(decodeJwt(mine.body.access_token ?? '').sub).toBe(user.id);
  });

  it('serves a confidential client too (client_secret_basic through openid-client)', async () => {
    const user = await t.user();
    const created = await createClient(
      t.server.runtime.ctx,
      { type: 'system', id: 'test' },
      { name: 'Build agent', grantTypes: [DEVICE_GRANT], defaultAudience: DOCS },
    );
    const config = await oidc.discovery(
      new URL(t.url),
      created.client.clientId,
      {},
      oidc.ClientSecretBasic(created.clientSecret ?? ''),
      { execute: [oidc.allowInsecureRequests] },
    );
    const started = await oidc.initiateDeviceAuthorization(config, {});
    const polling = oidc.pollDeviceAuthorizationGrant(config, started);
    await decideInBrowser(t.url, started.verification_uri_complete ?? '', user.userName, 'approve');
    expect(decodeJwt((await polling).access_token)).toMatchObject({
      sub: user.id,
      client_id: created.client.clientId,
    });
    // Without its secret the same client is refused outright.
    expect((await deviceAuthorization(t, { client_id: created.client.clientId })).body.error).toBe(
      'invalid_client',
    );
  });

  it('issues no refresh token to a client not registered for refresh_token, and no ID token without openid', async () => {
    const user = await t.user();
    const client = await t.publicClient({ grantTypes: [DEVICE_GRANT] });
    const started = await deviceAuthorization(t, { client_id: client.clientId });
    await decideInBrowser(t.url, started.body.verification_uri_complete ?? '', user.userName, 'approve');
    const tokens = await poll(t, client.clientId, started.body.device_code ?? '');
    expect(tokens.status).toBe(200);
    expect(tokens.body.refresh_token).toBeUndefined();
    expect(tokens.body.id_token).toBeUndefined();
    expect(tokens.body.scope).toBeUndefined();
    expect(decodeJwt(tokens.body.access_token ?? '').permissions).toEqual(['docs:read']);
  });

  it('refuses a disabled user after approval, and a disabled client', async () => {
    const user = await t.user();
    const client = await t.publicClient();
    const started = await deviceAuthorization(t, { client_id: client.clientId });
    await decideInBrowser(t.url, started.body.verification_uri_complete ?? '', user.userName, 'approve');
    await t.admin('PATCH', `/users/${user.id}`, { active: false });
    expect(await poll(t, client.clientId, started.body.device_code ?? '')).toMatchObject({
      status: 400,
      body: { error: 'invalid_grant' },
    });

    const other = await t.publicClient();
    const second = await deviceAuthorization(t, { client_id: other.clientId });
    await t.admin('PATCH', `/clients/${other.id}`, { enabled: false });
    expect((await poll(t, other.clientId, second.body.device_code ?? '')).body.error).toBe('invalid_client');
    // Nor can anyone approve a disabled client's pending request on /device.
    const browser = new Browser(t.url);
    await signInAt(browser, '/device', (await t.user()).userName);
    expect((await browser.get(`/device?user_code=${second.body.user_code}`)).status).toBe(400);
    expect((await deviceAuthorization(t, { client_id: other.clientId })).body.error).toBe('invalid_client');
  });

  it('refuses a client not registered for the device grant, an unknown audience, and foreign permissions', async () => {
    const noDevice = await t.publicClient({ grantTypes: ['refresh_token'] });
    expect((await deviceAuthorization(t, { client_id: noDevice.clientId })).body.error).toBe(
      'unauthorized_client',
    );
    const client = await t.publicClient({ defaultAudience: null });
    expect((await deviceAuthorization(t, { client_id: client.clientId })).body.error).toBe('invalid_target');
    expect(
      (await deviceAuthorization(t, { client_id: client.clientId, resource: 'https://nowhere.example' })).body
        .error,
    ).toBe('invalid_target');
    const ok = await deviceAuthorization(t, {
      client_id: client.clientId,
      resource: DOCS,
      scope: 'docs:read',
    });
    expect(ok.status).toBe(200);
    expect(
      (await deviceAuthorization(t, { client_id: client.clientId, resource: DOCS, scope: 'billing:read' }))
        .body.error,
    ).toBe('invalid_scope');
    expect((await deviceAuthorization(t, { client_id: 'nobody' })).body.error).toBe('invalid_client');
    const get = await fetch(`${t.url}/oauth2/device_authorization`);
    expect(get.status).toBe(400);
    expect(get.headers.get('allow')).toBe('POST');
  });

  it('will not approve permissions the user does not hold', async () => {
    const user = await t.user();
    await t.admin('POST', '/roles', {
      name: `docs-writer-${user.id.slice(-6)}`,
      permissions: ['docs:write'],
    });
    const client = await t.publicClient();
    const started = await deviceAuthorization(t, { client_id: client.clientId, scope: 'docs:write' });
    const { done } = await decideInBrowser(
      t.url,
      started.body.verification_uri_complete ?? '',
      user.userName,
      'approve',
    );
    expect(done.status).toBe(400);
    expect(done.body).toContain('permissions you do not hold: docs:write');
    expect((await poll(t, client.clientId, started.body.device_code ?? '')).body.error).toBe(
      'authorization_pending',
    );
  });
});

describeDialects('device verification page against guessing (RFC 8628 §5.1)', (dialect) => {
  let t: DeviceServer;
  beforeAll(async () => {
    t = await startDeviceServer(dialect, { TESSERA_DEVICE_VERIFY_LIMIT: '3' });
  });
  afterAll(async () => t?.close());

  it('limits wrong codes per session and address, with the same words for every wrong code', async () => {
    const user = await t.user();
    const client = await t.publicClient();
    const started = await deviceAuthorization(t, { client_id: client.clientId });
    const browser = new Browser(t.url);
    await signInAt(browser, '/device', user.userName);
    const answers: string[] = [];
    for (const guess of ['BCDF-GHJK', 'nonsense', 'ZZZZ-ZZZZ']) {
      const page = await browser.submit('/device', { user_code: guess, action: 'confirm' }, '/device');
      expect(page.status).toBe(400);
      answers.push(/<p class="notice error"[^>]*>([^<]*)</.exec(page.body)?.[1] ?? '');
    }
    expect(new Set(answers).size).toBe(1);
    // Out of guesses: even the right code is refused now, without a lookup.
    const limited = await browser.submit(
      '/device',
      { user_code: started.body.user_code ?? '', action: 'confirm' },
      '/device',
    );
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    const viaLink = await browser.get(`/device?user_code=${started.body.user_code}`);
    expect(viaLink.status).toBe(429);
    // The same address in another browser session is limited too (per-IP bucket).
    const other = new Browser(t.url);
    await signInAt(other, '/device', user.userName);
    expect((await other.get(`/device?user_code=${started.body.user_code}`)).status).toBe(429);
  });

  it('signed out, /device sends the browser to /login and back with the code', async () => {
    const browser = new Browser(t.url);
    const page = await browser.get('/device?user_code=BCDF-GHJK');
    expect(page.status).toBe(303);
    expect(page.location).toBe(`/login?return_to=${encodeURIComponent('/device?user_code=BCDF-GHJK')}`);
  });

  it('refuses an approval without the CSRF token', async () => {
    const user = await t.user();
    const browser = new Browser(t.url);
    await signInAt(browser, '/device', user.userName);
    const refused = await browser.post('/device', {
      user_code: 'BCDF-GHJK',
      action: 'approve',
      csrf: 'forged',
    });
    expect(refused.status).toBe(400);
    expect(refused.body).toContain('did not come from this site');
  });
});

describe('device flow test support', () => {
  it('exports the grant URN the server implements', () => {
    expect(DEVICE_GRANT).toBe('urn:ietf:params:oauth:grant-type:device_code');
  });
});
