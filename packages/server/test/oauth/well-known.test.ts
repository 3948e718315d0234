import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GRANTS } from '../../src/core/tokens/grants/index.js';
import { type Fixture, ISSUER, requestToken, startFixture } from './fixture.js';

let f: Fixture;
beforeEach(async () => {
  f = await startFixture();
});
afterEach(async () => {
  await f.close();
});

describe('well-known endpoints', () => {
  it('serves the JWKS with public members only, cacheable for 5 minutes', async () => {
    const res = await f.app.inject({ method: 'GET', url: '/.well-known/jwks.json' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/jwk-set\+json/);
    expect(res.headers['cache-control']).toBe('public, max-age=300');
    expect(res.headers['access-control-allow-origin']).toBe('*');
    const jwks = res.json() as { keys: Array<Record<string, unknown>> };
    expect(jwks.keys).toHaveLength(1);
    expect(Object.keys(jwks.keys[0] ?? {}).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
    expect(jwks.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });

    // A token from the endpoint verifies against exactly what is served.
    const token = await requestToken(f.app, { grant_type: 'client_credentials' }, f.clients.main);
    await expect(
      jwtVerify(String(token.json.access_token), createLocalJWKSet(jwks as never), {
        algorithms: ['ES256'],
        issuer: ISSUER,
        typ: 'at+jwt',
        currentDate: f.clock.now(),
      }),
    ).resolves.toBeDefined();
  });

  it('publishes a forced rotation in the JWKS at once', async () => {
    const before = (await f.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json();
    const rotated = await f.keyRing.rotate({ type: 'cli', id: 'tester' });
    const after = (await f.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json();
    expect(before.keys).toHaveLength(1);
    expect(after.keys.map((k: { kid: string }) => k.kid)).toContain(rotated.kid);
  });

  it('describes the authorization server (RFC 8414) with only what this app serves', async () => {
    // This app has the token endpoint only (no authorization, userinfo, end_session routes):
    // none of them is advertised, and no response type is.
    const res = await f.app.inject({ method: 'GET', url: '/.well-known/oauth-authorization-server' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const doc = res.json();
    expect(doc).toMatchObject({
      issuer: ISSUER,
      token_endpoint: `${ISSUER}/oauth2/token`,
      jwks_uri: `${ISSUER}/.well-known/jwks.json`,
      token_endpoint_auth_methods_supported: [
        'client_secret_basic',
        'client_secret_post',
        'private_key_jwt',
        'none',
      ],
      response_types_supported: [],
      id_token_signing_alg_values_supported: ['ES256'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    });
    expect(doc.grant_types_supported).toEqual(Object.keys(GRANTS));
    expect(doc.token_endpoint_auth_signing_alg_values_supported).toContain('ES256');
    expect(doc.token_endpoint_auth_signing_alg_values_supported).not.toContain('HS256');
    for (const absent of [
      'authorization_endpoint',
      'userinfo_endpoint',
      'end_session_endpoint',
      'revocation_endpoint',
      'introspection_endpoint',
      'device_authorization_endpoint',
      'code_challenge_methods_supported',
    ]) {
      expect(doc).not.toHaveProperty(absent);
    }
  });

  it('serves the OpenID configuration as the same document', async () => {
    const oauth = (
      await f.app.inject({ method: 'GET', url: '/.well-known/oauth-authorization-server' })
    ).json();
    const res = await f.app.inject({ method: 'GET', url: '/.well-known/openid-configuration' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(oauth);
    expect(oauth.subject_types_supported).toEqual(['public']);
  });
});
