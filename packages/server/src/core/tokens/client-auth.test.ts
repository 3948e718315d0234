import { describe, expect, it } from 'vitest';
import { TesseraError } from '../errors.js';
import { hashSecret } from '../ids.js';
import type { Client } from '../model.js';
import { authenticateClient, readClientCredentials } from './client-auth.js';

const basic = (raw: string) => `Basic ${Buffer.from(raw).toString('base64')}`;
const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return (err as TesseraError).code;
  }
  return 'none';
};

describe('readClientCredentials', () => {
  it('reads client_secret_basic, form-decoding both parts after the split (RFC 6749 §2.3.1)', () => {
    expect(readClientCredentials({}, basic('my%3Aclient:s%2Bcr+t'))).toEqual({
      method: 'client_secret_basic',
      clientId: 'my:client',
      secret: 's+cr t',
    });
    expect(readClientCredentials({ client_id: 'a' }, basic('a:b')).clientId).toBe('a');
  });

  it('reads client_secret_post', () => {
    expect(readClientCredentials({ client_id: 'a', client_secret: 'b' }, undefined)).toEqual({
      method: 'client_secret_post',
      clientId: 'a',
      secret: 'b',
    });
  });

  it('refuses two methods, mismatched ids, repeats, malformed and missing credentials', () => {
    expect(code(() => readClientCredentials({ client_secret: 'b' }, basic('a:b')))).toBe(
      'ERR_INVALID_REQUEST',
    );
    expect(code(() => readClientCredentials({ client_id: 'x' }, basic('a:b')))).toBe('ERR_INVALID_REQUEST');
    expect(code(() => readClientCredentials({ client_id: ['a', 'a'], client_secret: 'b' }, undefined))).toBe(
      'ERR_INVALID_REQUEST',
    );
    expect(code(() => readClientCredentials({}, basic('no-colon')))).toBe('ERR_INVALID_CLIENT');
    expect(code(() => readClientCredentials({}, basic('a:%zz')))).toBe('ERR_INVALID_CLIENT');
    expect(code(() => readClientCredentials({}, basic(':secret')))).toBe('ERR_INVALID_CLIENT');
    expect(code(() => readClientCredentials({}, 'Bearer x'))).toBe('ERR_INVALID_CLIENT');
    expect(code(() => readClientCredentials({}, undefined))).toBe('ERR_INVALID_CLIENT');
    expect(code(() => readClientCredentials({}, basic(`${'a'.repeat(300)}:b`)))).toBe('ERR_INVALID_CLIENT');
  });

  it('reads a bare client_id as a public client identifying itself (method none)', () => {
    expect(readClientCredentials({ client_id: 'a' }, undefined)).toEqual({
      method: 'none',
      clientId: 'a',
      secret: '',
    });
  });
});

describe('authenticateClient', () => {
  const client = {
    clientId: 'a',
    secretHash: hashSecret('right'),
    enabled: true,
    tokenEndpointAuthMethod: 'client_secret_basic',
  } as Client;
  const creds = (secret: string) => ({ method: 'client_secret_post' as const, clientId: 'a', secret });

  it('accepts the right secret and refuses the rest alike', () => {
    expect(authenticateClient(client, creds('right'))).toBe(client);
    for (const attempt of [
      () => authenticateClient(client, creds('wrong')),
      () => authenticateClient(undefined, creds('right')),
    ]) {
      expect(attempt).toThrow(TesseraError);
      expect(attempt).toThrow('client authentication failed');
    }
  });

  it('tells a disabled client so only once it proved its secret', () => {
    const disabled = { ...client, enabled: false };
    expect(() => authenticateClient(disabled, creds('wrong'))).toThrow('client authentication failed');
    expect(() => authenticateClient(disabled, creds('right'))).toThrow('the client is disabled');
  });
});

describe('authenticateClient with method none', () => {
  const none = { method: 'none' as const, clientId: 'a', secret: '' };
  const publicClient = {
    clientId: 'a',
    secretHash: '',
    enabled: true,
    tokenEndpointAuthMethod: 'none',
  } as Client;

  it('admits a public client by its client_id alone', () => {
    expect(authenticateClient(publicClient, none)).toBe(publicClient);
  });

  it('refuses a confidential client that leaves out its secret, and an unknown client, alike', () => {
    const confidential = {
      ...publicClient,
      secretHash: hashSecret('s'),
      tokenEndpointAuthMethod: 'client_secret_post',
    } as Client;
    expect(() => authenticateClient(confidential, none)).toThrow('client authentication failed');
    expect(() => authenticateClient(undefined, none)).toThrow('client authentication failed');
  });

  it('refuses a secret presented for a public client (its empty hash matches nothing)', () => {
    expect(() =>
      authenticateClient(publicClient, { method: 'client_secret_post', clientId: 'a', secret: '' }),
    ).toThrow('client authentication failed');
  });
});

describe('private_key_jwt (RFC 7523 §2.2, OIDC Core §9)', async () => {
  const { SignJWT, UnsecuredJWT, exportJWK, generateKeyPair } = await import('jose');
  const { verifyClientAssertion, JWT_BEARER_ASSERTION, pinnedAlgorithm } = await import('./client-auth.js');
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
    key: CryptoKey | Uint8Array = es.privateKey,
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
