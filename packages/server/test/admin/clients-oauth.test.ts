/** The OAuth settings of clients through the admin API (and its OpenAPI document), on both dialects. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { describeDialects } from '../support/stores.js';

const EC_KEY = {
  kty: 'EC',
  crv: 'P-256',
  kid: 'k1',
  x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
  y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
};

describeDialects('admin API: client OAuth settings', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect);
  }, 30_000);
  afterAll(async () => {
    await t?.close();
  });

  it('creates a public client for the code flow: no secret, method none, settings echoed', async () => {
    const res = await t.admin('POST', '/clients', {
      name: 'SPA',
      type: 'public',
      grantTypes: ['authorization_code', 'refresh_token'],
      redirectUris: ['https://spa.example/cb', 'http://127.0.0.1:5173/cb'],
      postLogoutRedirectUris: ['https://spa.example/'],
      firstParty: true,
    });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({
      type: 'public',
      tokenEndpointAuthMethod: 'none',
      redirectUris: ['https://spa.example/cb', 'http://127.0.0.1:5173/cb'],
      postLogoutRedirectUris: ['https://spa.example/'],
      firstParty: true,
      jwks: null,
      clientSecret: null,
    });
    const read = await t.admin('GET', `/clients/${res.json.clientId}`);
    expect(read.json).toMatchObject({
      type: 'public',
      firstParty: true,
      redirectUris: res.json.redirectUris,
    });
    const listed = await t.admin('GET', '/clients?limit=500');
    expect(listed.json.items.find((c: { id: string }) => c.id === res.json.id)).toMatchObject({
      type: 'public',
    });
  });

  it('creates a private_key_jwt client with its keys and no secret; updates and removes them', async () => {
    const res = await t.admin('POST', '/clients', {
      name: 'Key client',
      tokenEndpointAuthMethod: 'private_key_jwt',
      jwks: { keys: [EC_KEY] },
    });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({
      tokenEndpointAuthMethod: 'private_key_jwt',
      jwks: { keys: [EC_KEY] },
      clientSecret: null,
    });

    // Removing the keys while the method needs them is refused, field named.
    const refused = await t.admin('PATCH', `/clients/${res.json.id}`, { jwks: null });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.json)).toContain('jwks');
    const switched = await t.admin('PATCH', `/clients/${res.json.id}`, {
      tokenEndpointAuthMethod: 'client_secret_basic',
      jwks: null,
    });
    expect(switched.status).toBe(200);
    expect(switched.json).toMatchObject({ tokenEndpointAuthMethod: 'client_secret_basic', jwks: null });
  });

  it('updates redirect URIs, the first-party flag and the type; the rules hold across fields', async () => {
    const created = await t.admin('POST', '/clients', {
      name: 'Web',
      grantTypes: ['authorization_code'],
      redirectUris: ['https://web.example/cb'],
    });
    expect(created.json).toMatchObject({
      type: 'confidential',
      tokenEndpointAuthMethod: 'client_secret_basic',
    });
    expect(typeof created.json.clientSecret).toBe('string');
    const id = created.json.id;
    const patched = await t.admin('PATCH', `/clients/${id}`, {
      redirectUris: ['https://web.example/callback'],
      postLogoutRedirectUris: ['https://web.example/bye'],
      firstParty: true,
    });
    expect(patched.json).toMatchObject({
      redirectUris: ['https://web.example/callback'],
      postLogoutRedirectUris: ['https://web.example/bye'],
      firstParty: true,
      type: 'confidential',
    });
    const cleared = await t.admin('PATCH', `/clients/${id}`, { redirectUris: [] });
    expect(cleared.status).toBe(400);
    const audit = await t.admin('GET', `/audit?targetId=${id}`);
    expect(audit.json.items.map((e: { action: string }) => e.action)).toContain('client.updated');
  });

  it('refuses bad settings with a problem naming the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ name: 'x', type: 'spa' }, 'type'],
      [{ name: 'x', tokenEndpointAuthMethod: 'tls_client_auth' }, 'tokenEndpointAuthMethod'],
      [
        { name: 'x', type: 'public', tokenEndpointAuthMethod: 'client_secret_post' },
        'tokenEndpointAuthMethod',
      ],
      [{ name: 'x', type: 'public', grantTypes: ['client_credentials'] }, 'grantTypes'],
      [{ name: 'x', grantTypes: ['authorization_code'] }, 'redirectUris'],
      [{ name: 'x', redirectUris: ['http://evil.example/cb'] }, 'redirectUris'],
      [{ name: 'x', redirectUris: ['https://a.example/*'] }, 'redirectUris'],
      [{ name: 'x', postLogoutRedirectUris: ['javascript:alert(1)'] }, 'postLogoutRedirectUris'],
      [
        { name: 'x', tokenEndpointAuthMethod: 'private_key_jwt', jwks: { keys: [{ ...EC_KEY, d: 'x' }] } },
        'jwks',
      ],
      [{ name: 'x', jwks: { keys: [{ n: 'no kty' }] } }, 'jwks'],
      [{ name: 'x', firstParty: 'yes' }, 'firstParty'],
    ];
    for (const [body, name] of cases) {
      const res = await t.admin('POST', '/clients', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(JSON.stringify(res.json), JSON.stringify(body)).toContain(name);
    }
  });

  it('documents the settings in the OpenAPI document', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/admin/v1/openapi.json' })).json();
    const create = doc.paths['/admin/v1/clients'].post.requestBody.content['application/json'].schema;
    for (const name of [
      'type',
      'tokenEndpointAuthMethod',
      'redirectUris',
      'postLogoutRedirectUris',
      'firstParty',
      'jwks',
    ]) {
      expect(create.properties, name).toHaveProperty(name);
    }
    expect(create.properties.tokenEndpointAuthMethod.enum).toContain('private_key_jwt');
    const patch = doc.paths['/admin/v1/clients/{id}'].patch.requestBody.content['application/json'].schema;
    expect(patch.properties).toHaveProperty('redirectUris');
  });
});
