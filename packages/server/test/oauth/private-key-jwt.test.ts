/**
 * private_key_jwt (RFC 7523 §2.2, OIDC Core §9) over HTTP: openid-client authenticating with a
 * private key, and a replayed assertion refused by another instance on the same store (the
 * jti table is in the store, not in memory), on both dialects.
 */
import { randomBytes, type webcrypto } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createClient } from '../../src/core/clients/service.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { describeDialects } from '../support/stores.js';

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const ISSUER = 'http://tessera.test';

describeDialects('private_key_jwt client authentication', (dialect) => {
  let one: TestApp;
  let two: TestApp;
  let urlOne: string;
  let urlTwo: string;
  let clientId: string;
  let keys: webcrypto.CryptoKeyPair;
  beforeAll(async () => {
    const masterKey = randomBytes(32);
    one = await startTestApp(dialect, { masterKey, env: { TESSERA_ISSUER: ISSUER } });
    two = await startTestApp(dialect, {
      masterKey,
      store: one.runtime.store,
      env: { TESSERA_ISSUER: ISSUER },
    });
    urlOne = await one.app.listen({ host: '127.0.0.1', port: 0 });
    urlTwo = await two.app.listen({ host: '127.0.0.1', port: 0 });
    keys = await generateKeyPair('ES256', { extractable: true });
    const jwk = { ...(await exportJWK(keys.publicKey)), kid: 'key-1', alg: 'ES256' };
    const created = await createClient(
      one.runtime.ctx,
      { type: 'system', id: 'test' },
      {
        name: 'jwt client',
        grantTypes: ['client_credentials'],
        defaultAudience: 'urn:tessera:admin',
        tokenEndpointAuthMethod: 'private_key_jwt',
        jwks: { keys: [jwk] },
      },
    );
    clientId = created.client.clientId;
  }, 60_000);
  afterAll(async () => {
    await two?.close();
    await one?.close();
  });

  const assertion = (claims: Record<string, unknown> = {}, key: webcrypto.CryptoKey = keys.privateKey) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({
      iss: clientId,
      sub: clientId,
      aud: `${ISSUER}/oauth2/token`,
      iat: now,
      exp: now + 60,
      jti: oidc.randomState(),
      ...claims,
    })
      .setProtectedHeader({ alg: 'ES256', kid: 'key-1' })
      .sign(key);
  };

  const token = async (base: string, jwt: string) => {
    const res = await fetch(`${base}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_assertion_type: ASSERTION_TYPE,
        client_assertion: jwt,
      }),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };

  it('openid-client authenticates with its private key', async () => {
    const config = new oidc.Configuration(
      { issuer: ISSUER, token_endpoint: `${urlOne}/oauth2/token` },
      clientId,
      {},
      oidc.PrivateKeyJwt({ key: keys.privateKey, kid: 'key-1' }),
    );
    oidc.allowInsecureRequests(config);
    const tokens = await oidc.clientCredentialsGrant(config);
    expect(tokens.access_token).toBeTruthy();
  });

  it('a replayed assertion is refused, by the same instance and by another one on the same store', async () => {
    const jwt = await assertion();
    expect((await token(urlOne, jwt)).status).toBe(200);
    expect(await token(urlOne, jwt)).toMatchObject({ status: 401, json: { error: 'invalid_client' } });
    const other = await assertion();
    expect((await token(urlTwo, other)).status).toBe(200);
    expect(await token(urlOne, other)).toMatchObject({ status: 401, json: { error: 'invalid_client' } });
  });

  it('refuses another key, a foreign audience, and a long-lived assertion', async () => {
    const stranger = await generateKeyPair('ES256');
    expect((await token(urlOne, await assertion({}, stranger.privateKey))).status).toBe(401);
    expect((await token(urlOne, await assertion({ aud: 'https://other.example' }))).status).toBe(401);
    expect((await token(urlOne, await assertion({ exp: Math.floor(Date.now() / 1000) + 3600 }))).status).toBe(
      401,
    );
  });
});
