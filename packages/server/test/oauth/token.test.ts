import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { updateClient } from '../../src/core/clients/service.js';
import { record } from '../../src/core/journal.js';
import { deleteRole } from '../../src/core/roles/service.js';
import { TokenService } from '../../src/core/tokens/token-service.js';
import { MINUTE } from '../keys/clock.js';
import {
  BILLING,
  basic,
  CRM,
  claimsOf,
  type Fixture,
  form,
  ISSUER,
  requestToken,
  startFixture,
} from './fixture.js';

const admin = { type: 'cli' as const, id: 'tester' };
let f: Fixture;

beforeEach(async () => {
  f = await startFixture();
});
afterEach(async () => {
  await f.close();
});

const expectError = (
  res: { status: number; headers: Record<string, unknown>; json: Record<string, unknown> },
  status: number,
  error: string,
) => {
  expect(res.json.error).toBe(error);
  expect(typeof res.json.error_description).toBe('string');
  expect(Object.keys(res.json).sort()).toEqual(['error', 'error_description']);
  expect(res.status).toBe(status);
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.headers.pragma).toBe('no-cache');
};

describe('POST /oauth2/token, client_credentials', () => {
  it('issues an RFC 9068 token to a client authenticated with client_secret_basic', async () => {
    const res = await requestToken(f.app, { grant_type: 'client_credentials' }, f.clients.main);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers.pragma).toBe('no-cache');
    expect(res.json).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 600 });

    const token = String(res.json.access_token);
    expect(decodeProtectedHeader(token)).toEqual({
      alg: 'ES256',
      typ: 'at+jwt',
      kid: (await f.keyRing.signer()).kid,
    });
    const { payload } = await jwtVerify(token, createLocalJWKSet(await f.keyRing.jwks()), {
      algorithms: ['ES256'],
      typ: 'at+jwt',
      issuer: ISSUER,
      audience: BILLING,
      currentDate: f.clock.now(),
    });
    const iat = Math.floor(f.clock.now().getTime() / 1000);
    expect(payload).toEqual({
      iss: ISSUER,
      sub: 'tsr_main',
      aud: BILLING,
      exp: iat + 600,
      iat,
      jti: expect.stringMatching(/^[A-Za-z0-9_-]{16}$/),
      client_id: 'tsr_main',
      // Roles are the client's; permissions only those of the audience's namespace.
      roles: ['billing-reader', 'crm-reader'],
      permissions: ['billing:export', 'billing:read'],
    });
  });

  it('accepts client_secret_post', async () => {
    const { client, secret } = f.clients.main;
    const res = await requestToken(f.app, {
      grant_type: 'client_credentials',
      client_id: client.clientId,
      client_secret: secret,
    });
    expect(res.status).toBe(200);
    expect(claimsOf(res.json.access_token).client_id).toBe('tsr_main');
  });

  it('decodes form-urlencoded Basic credentials (RFC 6749 §2.3.1)', async () => {
    const { client, secret } = f.clients.main;
    const encoded = Buffer.from(`${client.clientId.replace('_', '%5F')}:${secret}`).toString('base64');
    const res = await requestToken(f.app, { grant_type: 'client_credentials' }, undefined, {
      authorization: `basic ${encoded}`,
    });
    expect(res.status).toBe(200);
  });

  it('refuses two authentication methods at once (invalid_request)', async () => {
    const { secret } = f.clients.main;
    const res = await requestToken(
      f.app,
      { grant_type: 'client_credentials', client_secret: secret },
      f.clients.main,
    );
    expectError(res, 400, 'invalid_request');
  });

  it('answers a wrong secret with 401 invalid_client and a Basic challenge', async () => {
    const res = await requestToken(
      f.app,
      { grant_type: 'client_credentials' },
      {
        ...f.clients.main,
        secret: 'wrong',
      },
    );
    expectError(res, 401, 'invalid_client');
    expect(res.headers['www-authenticate']).toMatch(/^Basic realm="tessera"/);
  });

  it('answers an unknown client and a missing authentication with invalid_client', async () => {
    const unknown = await requestToken(
      f.app,
      { grant_type: 'client_credentials' },
      {
        ...f.clients.main,
        client: { ...f.clients.main.client, clientId: 'tsr_nobody' },
      },
    );
    expectError(unknown, 401, 'invalid_client');
    expect(unknown.json.error_description).toBe('client authentication failed');
    const none = await requestToken(f.app, { grant_type: 'client_credentials', client_id: 'tsr_main' });
    expectError(none, 401, 'invalid_client');
    const bearer = await requestToken(f.app, { grant_type: 'client_credentials' }, undefined, {
      authorization: 'Bearer abc',
    });
    expectError(bearer, 401, 'invalid_client');
  });

  it('refuses a disabled client, and a client disabled while its record is cached', async () => {
    expectError(
      await requestToken(f.app, { grant_type: 'client_credentials' }, f.clients.disabled),
      401,
      'invalid_client',
    );

    expect((await requestToken(f.app, { grant_type: 'client_credentials' }, f.clients.main)).status).toBe(
      200,
    );
    await updateClient(f.ctx, admin, f.clients.main.client.id, { enabled: false });
    const res = await requestToken(f.app, { grant_type: 'client_credentials' }, f.clients.main);
    expectError(res, 401, 'invalid_client');
    expect(res.json.error_description).toBe('the client is disabled');
  });

  it('sees a change made by another instance once sync() notices the event log moved', async () => {
    const otherStore = await f.test.reopen();
    const elsewhere = new TokenService({
      store: otherStore,
      keyRing: f.keyRing,
      clock: f.clock,
      issuer: ISSUER,
      syncIntervalMs: 0,
    });
    const request = () =>
      elsewhere.token({
        params: { grant_type: 'client_credentials' },
        authorization: basic(f.clients.main.client.clientId, f.clients.main.secret),
        sourceIp: '192.0.2.1',
      });
    await elsewhere.sync();
    await request();
    // Written through this instance's store and journal, without this instance's bus.
    const { client } = f.clients.main;
    await f.store.transaction(async (tx) => {
      await tx.updateClient({ ...client, enabled: false, version: 2 }, 1);
      await record(
        tx,
        {
          actor: admin,
          action: 'client.disabled',
          targetType: 'client',
          targetId: client.id,
          events: [
            {
              type: 'client.updated',
              subjectType: 'client',
              subjectId: client.id,
              subjectVersion: 2,
              data: {},
            },
          ],
        },
        f.clock.now(),
      );
    });
    await expect(request()).resolves.toBeDefined(); // cached until the next sync
    await elsewhere.sync();
    await expect(request()).rejects.toMatchObject({ code: 'ERR_INVALID_CLIENT' });
    elsewhere.close();
  });

  it('refuses a grant the client may not use (unauthorized_client)', async () => {
    expectError(
      await requestToken(f.app, { grant_type: 'client_credentials' }, f.clients.noGrant),
      400,
      'unauthorized_client',
    );
  });

  it('refuses unsupported, missing and repeated grant types', async () => {
    expectError(
      await requestToken(f.app, { grant_type: 'password' }, f.clients.main),
      400,
      'unsupported_grant_type',
    );
    expectError(
      await requestToken(f.app, { grant_type: '__proto__' }, f.clients.main),
      400,
      'unsupported_grant_type',
    );
    expectError(await requestToken(f.app, {}, f.clients.main), 400, 'invalid_request');
    expectError(
      await requestToken(f.app, { grant_type: ['client_credentials', 'client_credentials'] }, f.clients.main),
      400,
      'invalid_request',
    );
  });

  it('issues for a registered resource (RFC 8707) and refuses unknown, relative, repeated or missing ones', async () => {
    const crm = await requestToken(
      f.app,
      { grant_type: 'client_credentials', resource: CRM },
      f.clients.main,
    );
    expect(crm.status).toBe(200);
    expect(claimsOf(crm.json.access_token)).toMatchObject({ aud: CRM, permissions: ['crm:read'] });

    const bad = ['https://unknown.test', '/relative', `${BILLING}#fragment`];
    for (const resource of bad) {
      expectError(
        await requestToken(f.app, { grant_type: 'client_credentials', resource }, f.clients.main),
        400,
        'invalid_target',
      );
    }
    expectError(
      await requestToken(
        f.app,
        { grant_type: 'client_credentials', resource: [BILLING, CRM] },
        f.clients.main,
      ),
      400,
      'invalid_target',
    );
    expectError(
      await requestToken(f.app, { grant_type: 'client_credentials' }, f.clients.noDefault),
      400,
      'invalid_target',
    );
  });

  it('narrows the token to a requested scope that the client holds (wildcards included), else invalid_scope', async () => {
    const narrowed = await requestToken(
      f.app,
      { grant_type: 'client_credentials', scope: 'billing:read' },
      f.clients.main,
    );
    expect(narrowed.status).toBe(200);
    expect(narrowed.json.scope).toBe('billing:read');
    expect(claimsOf(narrowed.json.access_token)).toMatchObject({
      scope: 'billing:read',
      permissions: ['billing:read'],
    });

    const viaWildcard = await requestToken(
      f.app,
      { grant_type: 'client_credentials', resource: BILLING, scope: 'billing:write billing:read' },
      f.clients.noDefault,
    );
    expect(viaWildcard.json.scope).toBe('billing:read billing:write');
    expect(claimsOf(viaWildcard.json.access_token).permissions).toEqual(['billing:read', 'billing:write']);
    const full = await requestToken(
      f.app,
      { grant_type: 'client_credentials', resource: BILLING },
      f.clients.noDefault,
    );
    expect(claimsOf(full.json.access_token)).toMatchObject({ permissions: ['billing:*'] });
    expect(claimsOf(full.json.access_token)).not.toHaveProperty('scope');

    for (const scope of [
      'billing:write',
      'billing:read billing:*',
      'crm:read',
      'billing:read  billing:export',
    ]) {
      expectError(
        await requestToken(f.app, { grant_type: 'client_credentials', scope }, f.clients.main),
        400,
        'invalid_scope',
      );
    }
  });

  it('drops the permissions of a deleted role from the next token', async () => {
    const before = await requestToken(f.app, { grant_type: 'client_credentials' }, f.clients.main);
    expect(claimsOf(before.json.access_token).permissions).toEqual(['billing:export', 'billing:read']);
    await deleteRole(f.ctx, admin, f.roles.billingReader.id);
    const after = await requestToken(f.app, { grant_type: 'client_credentials' }, f.clients.main);
    expect(after.status).toBe(200);
    expect(claimsOf(after.json.access_token)).toMatchObject({ roles: ['crm-reader'], permissions: [] });
    expectError(
      await requestToken(f.app, { grant_type: 'client_credentials', scope: 'billing:read' }, f.clients.main),
      400,
      'invalid_scope',
    );
  });

  it('accepts only form bodies: JSON and others are invalid_request', async () => {
    const json = await f.app.inject({
      method: 'POST',
      url: '/oauth2/token',
      headers: {
        'content-type': 'application/json',
        authorization: basic('tsr_main', f.clients.main.secret),
      },
      payload: JSON.stringify({ grant_type: 'client_credentials' }),
    });
    expect(json.statusCode).toBe(400);
    expect(json.json()).toMatchObject({ error: 'invalid_request' });
    expect(json.headers['cache-control']).toBe('no-store');

    const text = await f.app.inject({
      method: 'POST',
      url: '/oauth2/token',
      headers: { 'content-type': 'text/plain' },
      payload: 'grant_type=client_credentials',
    });
    expect(text.statusCode).toBe(400);
    expect(text.json()).toMatchObject({ error: 'invalid_request' });

    const empty = await f.app.inject({ method: 'POST', url: '/oauth2/token' });
    expect(empty.statusCode).toBe(400);
    expect(empty.json()).toMatchObject({ error: 'invalid_request' });

    const huge = await f.app.inject({
      method: 'POST',
      url: '/oauth2/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: form({ grant_type: 'client_credentials', padding: 'x'.repeat(20_000) }),
    });
    expect(huge.statusCode).toBe(400);
    expect(huge.json()).toMatchObject({ error: 'invalid_request' });
  });

  it('refuses methods other than POST as invalid_request', async () => {
    const res = await f.app.inject({ method: 'GET', url: '/oauth2/token?grant_type=client_credentials' });
    expect(res.statusCode).toBe(400);
    expect(res.headers.allow).toBe('POST');
    expect(res.json()).toMatchObject({ error: 'invalid_request' });
  });

  it('answers 500 server_error without detail when something unexpected breaks', async () => {
    await f.test.cleanup(); // the store is gone
    const res = await requestToken(f.app, { grant_type: 'client_credentials' }, f.clients.main);
    expectError(res, 500, 'server_error');
    expect(res.json.error_description).toBe('the server could not handle the request');
  });
});

describe('POST /oauth2/token rate limits', () => {
  const wrong = () => ({ ...f.clients.main, secret: 'wrong' });

  it('locks out an address after too many failed authentications, with Retry-After', async () => {
    for (let i = 0; i < 5; i++) {
      expect((await requestToken(f.app, { grant_type: 'client_credentials' }, wrong())).status).toBe(401);
    }
    const limited = await requestToken(f.app, { grant_type: 'client_credentials' }, wrong());
    expectError(limited, 429, 'slow_down');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Even the right secret, from this address, waits.
    const right = await requestToken(f.app, { grant_type: 'client_credentials' }, f.clients.main);
    expect(right.status).toBe(429);
    // Another address is not affected.
    const elsewhere = await f.app.inject({
      method: 'POST',
      url: '/oauth2/token',
      remoteAddress: '198.51.100.7',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basic('tsr_main', f.clients.main.secret),
      },
      payload: 'grant_type=client_credentials',
    });
    expect(elsewhere.statusCode).toBe(200);
    // The bucket refills at failuresPerMinute per minute.
    f.limiterTime.now += MINUTE / 5;
    expect((await requestToken(f.app, { grant_type: 'client_credentials' }, f.clients.main)).status).toBe(
      200,
    );
  });

  it('answers 429 to further failures for a client_id, but lets its real secret through', async () => {
    const from = (ip: string, secret: string) =>
      f.app.inject({
        method: 'POST',
        url: '/oauth2/token',
        remoteAddress: ip,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: basic('tsr_main', secret),
        },
        payload: 'grant_type=client_credentials',
      });
    for (let i = 0; i < 5; i++) expect((await from(`203.0.113.${i}`, 'wrong')).statusCode).toBe(401);
    const limited = await from('203.0.113.99', 'wrong');
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
    expect((await from('203.0.113.100', f.clients.main.secret)).statusCode).toBe(200);
  });

  it('caps requests per client per minute', async () => {
    await f.close();
    f = await startFixture({ service: { rateLimit: { perClientPerMinute: 3, failuresPerMinute: 5 } } });
    for (let i = 0; i < 3; i++) {
      expect((await requestToken(f.app, { grant_type: 'client_credentials' }, f.clients.main)).status).toBe(
        200,
      );
    }
    const limited = await requestToken(f.app, { grant_type: 'client_credentials' }, f.clients.main);
    expectError(limited, 429, 'slow_down');
    expect(limited.headers['retry-after']).toBe('20');
    // Other clients have their own budget.
    expect(
      (
        await requestToken(
          f.app,
          { grant_type: 'client_credentials', resource: BILLING },
          f.clients.noDefault,
        )
      ).status,
    ).toBe(200);
  });
});
