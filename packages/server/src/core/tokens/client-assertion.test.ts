import type { webcrypto } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import type { TesseraError } from '../errors.js';
import type { Client } from '../model.js';
import { pinnedAlgorithm, verifyClientAssertion } from './client-assertion.js';
import { JWT_BEARER_ASSERTION, readClientCredentials } from './client-auth.js';

const basic = (raw: string) => `Basic ${Buffer.from(raw).toString('base64')}`;
const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return (err as TesseraError).code;
  }
  return 'none';
};

describe('private_key_jwt (RFC 7523 §2.2, OIDC Core §9)', async () => {
  const ISSUER = 'https://id.example.com';
  const now = new Date('2026-01-01T00:00:00Z');
  const nowS = now.getTime() / 1000;
  const es = await generateKeyPair('ES256', { extractable: true });
  const rsa = await generateKeyPair('RS256', { extractable: true });
  const other = await generateKeyPair('ES256', { extractable: true });
  const esJwk = { ...(await exportJWK(es.publicKey)), kid: 'es-1' };
  const rsaJwk = { ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1', alg: 'RS256' };
  const client: Client = {
    id: 'id-1',
    clientId: 'tsr_jwt',
    name: 'jwt',
    secretHash: '',
    grantTypes: ['client_credentials'],
    defaultAudience: null,
    type: 'confidential',
    tokenEndpointAuthMethod: 'private_key_jwt',
    redirectUris: [],
    postLogoutRedirectUris: [],
    firstParty: false,
    jwks: { keys: [esJwk, rsaJwk] },
    enabled: true,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  const used = new Set<string>();
  const check = {
    audiences: [ISSUER, `${ISSUER}/oauth2/token`],
    now,
    useJti: async (clientId: string, jti: string) => {
      const key = `${clientId} ${jti}`;
      if (used.has(key)) return false;
      used.add(key);
      return true;
    },
  };
  let n = 0;
  const assertion = (
    overrides: Record<string, unknown> = {},
    header: Record<string, unknown> = { alg: 'ES256', kid: 'es-1' },
    key: webcrypto.CryptoKey | Uint8Array = es.privateKey,
  ) =>
    new SignJWT({
      iss: 'tsr_jwt',
      sub: 'tsr_jwt',
      aud: `${ISSUER}/oauth2/token`,
      exp: nowS + 60,
      iat: nowS,
      jti: `jti-${++n}`,
      ...overrides,
    })
      .setProtectedHeader(header as never)
      .sign(key);
  const verify = async (jwt: string, record: Client | null = client) => {
    const credentials = readClientCredentials(
      { client_assertion: jwt, client_assertion_type: JWT_BEARER_ASSERTION },
      undefined,
    );
    try {
      return await verifyClientAssertion(record ?? undefined, credentials, check);
    } catch (err) {
      return (err as TesseraError).code;
    }
  };

  it('accepts an assertion signed by a registered key, for the token endpoint or the issuer', async () => {
    expect(await verify(await assertion())).toBe(client);
    expect(await verify(await assertion({ aud: ISSUER }))).toBe(client);
    expect(await verify(await assertion({}, { alg: 'RS256', kid: 'rsa-1' }, rsa.privateKey))).toBe(client);
    // Without kid: every registered key pinned to the header's alg is tried.
    expect(await verify(await assertion({}, { alg: 'ES256' }))).toBe(client);
  });

  it('refuses a replayed jti', async () => {
    const jwt = await assertion({ jti: 'once' });
    expect(await verify(jwt)).toBe(client);
    expect(await verify(jwt)).toBe('ERR_INVALID_CLIENT');
  });

  it('refuses a wrong aud, a wrong iss or sub, an expired or long-lived assertion, a missing jti', async () => {
    expect(await verify(await assertion({ aud: 'https://elsewhere.example' }))).toBe('ERR_INVALID_CLIENT');
    expect(await verify(await assertion({ iss: 'tsr_other' }))).toBe('ERR_INVALID_CLIENT');
    expect(await verify(await assertion({ exp: nowS - 60 }))).toBe('ERR_INVALID_CLIENT');
    expect(await verify(await assertion({ exp: nowS + 3600 }))).toBe('ERR_INVALID_CLIENT');
    expect(await verify(await assertion({ exp: undefined }))).toBe('ERR_INVALID_CLIENT');
    expect(await verify(await assertion({ jti: undefined }))).toBe('ERR_INVALID_CLIENT');
  });

  it('refuses a signature by an unregistered key, and a kid naming another key', async () => {
    expect(await verify(await assertion({}, { alg: 'ES256', kid: 'es-1' }, other.privateKey))).toBe(
      'ERR_INVALID_CLIENT',
    );
    expect(await verify(await assertion({}, { alg: 'ES256', kid: 'rsa-1' }))).toBe('ERR_INVALID_CLIENT');
  });

  it('refuses algorithm confusion: HS256 keyed with the public key, RS256 header over the EC key, none', async () => {
    const publicPem = new TextEncoder().encode(JSON.stringify(esJwk));
    expect(await verify(await assertion({}, { alg: 'HS256', kid: 'es-1' }, publicPem))).toBe(
      'ERR_INVALID_CLIENT',
    );
    const rsaAsSecret = new TextEncoder().encode(rsaJwk.n as string);
    expect(await verify(await assertion({}, { alg: 'HS256', kid: 'rsa-1' }, rsaAsSecret))).toBe(
      'ERR_INVALID_CLIENT',
    );
    const unsecured = new UnsecuredJWT({
      iss: 'tsr_jwt',
      sub: 'tsr_jwt',
      aud: ISSUER,
      exp: nowS + 60,
      jti: 'none-1',
    }).encode();
    expect(await verify(unsecured)).toBe('ERR_INVALID_CLIENT');
  });

  it('refuses a key embedded in the header (jwk) even when it signed the assertion', async () => {
    const attacker = await generateKeyPair('ES256', { extractable: true });
    const jwk = await exportJWK(attacker.publicKey);
    expect(await verify(await assertion({}, { alg: 'ES256', jwk }, attacker.privateKey))).toBe(
      'ERR_INVALID_CLIENT',
    );
  });

  it('refuses unknown, secret-based and disabled clients', async () => {
    expect(await verify(await assertion(), null)).toBe('ERR_INVALID_CLIENT');
    expect(
      await verify(await assertion(), { ...client, tokenEndpointAuthMethod: 'client_secret_basic' }),
    ).toBe('ERR_INVALID_CLIENT');
    expect(await verify(await assertion(), { ...client, enabled: false })).toBe('ERR_INVALID_CLIENT');
  });

  it('reads the assertion only with its exact type and refuses mixing it with a secret', () => {
    expect(
      code(() =>
        readClientCredentials({ client_assertion: 'a.b.c', client_assertion_type: 'other' }, undefined),
      ),
    ).toBe('ERR_INVALID_CLIENT');
    expect(
      code(() =>
        readClientCredentials(
          { client_assertion: 'a.b.c', client_assertion_type: JWT_BEARER_ASSERTION },
          basic('a:b'),
        ),
      ),
    ).toBe('ERR_INVALID_REQUEST');
  });

  it('pins the algorithm from the key: its alg when it fits the key type, else from kty/crv', () => {
    expect(pinnedAlgorithm({ kty: 'EC', crv: 'P-384' })).toBe('ES384');
    expect(pinnedAlgorithm({ kty: 'RSA' })).toBe('RS256');
    expect(pinnedAlgorithm({ kty: 'RSA', alg: 'PS256' })).toBe('PS256');
    expect(pinnedAlgorithm({ kty: 'RSA', alg: 'ES256' })).toBeUndefined();
    expect(pinnedAlgorithm({ kty: 'oct', alg: 'HS256' })).toBeUndefined();
    expect(pinnedAlgorithm({ kty: 'OKP', crv: 'X25519' })).toBeUndefined();
  });
});
