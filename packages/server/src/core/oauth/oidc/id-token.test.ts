import { createHash, randomBytes } from 'node:crypto';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { generateKeyMaterial } from '../../keys/generate.js';
import { createSigner } from '../../keys/signer.js';
import { createKeyVault } from '../../keys/vault.js';
import type { KeyAlgorithm, User } from '../../model.js';
import { issueIdToken, tokenHash } from './id-token.js';

const vault = createKeyVault(new Uint8Array(randomBytes(32)));
const now = new Date('2026-01-01T00:00:00Z');
const ISSUER = 'https://id.example.com';

const user: User = {
  id: '0190a0b0-0000-7000-8000-000000000001',
  userName: 'ada',
  externalId: null,
  name: { givenName: 'Ada', familyName: 'Lovelace' },
  displayName: 'Ada L.',
  emails: [{ value: 'other@example.com' }, { value: 'ada@example.com', primary: true }],
  active: true,
  aver: 1,
  version: 1,
  createdAt: now,
  updatedAt: now,
};

async function setup(alg: KeyAlgorithm) {
  const material = await generateKeyMaterial(alg, vault);
  const signer = createSigner(material.kid, alg, material.privateKey);
  const ctx = { keyRing: { signer: async () => signer }, clock: { now: () => now }, issuer: ISSUER };
  return { ctx, jwks: createLocalJWKSet({ keys: [material.publicJwk] }), kid: material.kid };
}

describe('issueIdToken', () => {
  it.each(['ES256', 'EdDSA', 'RS256'] as const)(
    'signs an OIDC Core §2 ID token jose verifies (%s)',
    async (alg) => {
      const { ctx, jwks, kid } = await setup(alg);
      const token = await issueIdToken(ctx, {
        user,
        clientId: 'tsr_web',
        nonce: 'n-0S6_WzA2Mj',
        authTime: new Date(now.getTime() - 30_000),
        sessionId: 'sess-1',
        accessToken: 'an.access.token',
        scopes: ['openid', 'profile', 'email'],
      });
      expect(decodeProtectedHeader(token)).toEqual({ alg, typ: 'JWT', kid });
      const { payload } = await jwtVerify(token, jwks, {
        algorithms: [alg],
        issuer: ISSUER,
        audience: 'tsr_web',
        currentDate: now,
      });
      expect(payload).toMatchObject({
        sub: user.id,
        azp: 'tsr_web',
        iat: now.getTime() / 1000,
        exp: now.getTime() / 1000 + 300,
        auth_time: now.getTime() / 1000 - 30,
        nonce: 'n-0S6_WzA2Mj',
        sid: 'sess-1',
        at_hash: tokenHash('an.access.token', alg),
        name: 'Ada L.',
        given_name: 'Ada',
        family_name: 'Lovelace',
        preferred_username: 'ada',
        email: 'ada@example.com',
        email_verified: false,
      });
    },
  );

  it('releases no profile or email claims without their scopes, and no nonce/at_hash/sid when not given', async () => {
    const { ctx, jwks } = await setup('ES256');
    const token = await issueIdToken(ctx, { user, clientId: 'tsr_web', authTime: now, scopes: ['openid'] });
    const { payload } = await jwtVerify(token, jwks, { currentDate: now });
    expect(Object.keys(payload).sort()).toEqual([
      'aud',
      'auth_time',
      'azp',
      'exp',
      'iat',
      'iss',
      'jti',
      'sub',
    ]);
  });

  it('computes at_hash as OIDC Core §3.1.3.6 does (left half of SHA-256, base64url)', () => {
    const token = 'jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y';
    const expected = createHash('sha256').update(token).digest().subarray(0, 16).toString('base64url');
    expect(tokenHash(token, 'ES256')).toBe(expected);
    expect(tokenHash(token, 'EdDSA')).toHaveLength(43);
  });
});
