/**
 * Browser applications (public clients, SPAs) redeem codes, refresh, revoke and read UserInfo
 * from their own origin. Regression: /oauth2/token and /oauth2/revoke sent no CORS headers, so
 * a SPA's browser refused to hand it the token response even though the flow succeeded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REVOCATION_PATH, TOKEN_PATH, USERINFO_PATH } from '../../src/http/paths.js';
import { startTestApp, type TestApp } from '../support/app.js';

const ORIGIN = 'https://spa.example';

describe('CORS on the endpoints browser apps call', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('sqlite');
  });
  afterAll(async () => {
    await t?.close();
  });

  it.each([
    [TOKEN_PATH, 'POST'],
    [REVOCATION_PATH, 'POST'],
    [USERINFO_PATH, 'GET, POST'],
  ])('answers the preflight of %s for any origin, without credentials', async (path, methods) => {
    const res = await t.app.inject({
      method: 'OPTIONS',
      url: path,
      headers: {
        origin: ORIGIN,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });
    expect(res.statusCode).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['access-control-allow-methods']).toBe(methods);
    expect(res.headers['access-control-allow-headers']).toBe('Authorization, Content-Type');
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('lets the page read token responses, errors included', async () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN };
    const ok = await t.app.inject({
      method: 'POST',
      url: TOKEN_PATH,
      headers: form,
      payload: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: t.adminClientId,
        client_secret: t.adminSecret,
      }).toString(),
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.headers['access-control-allow-origin']).toBe('*');

    const refused = await t.app.inject({
      method: 'POST',
      url: TOKEN_PATH,
      headers: form,
      payload: 'grant_type=refresh_token&client_id=nobody&refresh_token=x',
    });
    expect(refused.statusCode).toBe(401);
    expect(refused.json().error).toBe('invalid_client');
    expect(refused.headers['access-control-allow-origin']).toBe('*');
    expect(refused.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('lets the page read revocation answers', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: REVOCATION_PATH,
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN },
      payload: new URLSearchParams({
        token: 'tsr_unknown',
        client_id: t.adminClientId,
        client_secret: t.adminSecret,
      }).toString(),
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe('*');
  });
});
