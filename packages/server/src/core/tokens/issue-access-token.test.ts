import { randomBytes } from 'node:crypto';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { uuidv7 } from '../ids.js';
import { generateKeyMaterial } from '../keys/generate.js';
import { createSigner } from '../keys/signer.js';
import { createKeyVault } from '../keys/vault.js';
import type { KeyAlgorithm } from '../model.js';
import { issueAccessToken } from './issue-access-token.js';

const vault = createKeyVault(new Uint8Array(randomBytes(32)));
const now = new Date('2026-01-01T00:00:00Z');

/** A typical user token: 3 roles, 10 permissions of the audience's namespace, realistic URLs. */
async function typicalUserToken(alg: KeyAlgorithm) {
  const material = await generateKeyMaterial(alg, vault);
  const signer = createSigner(material.kid, alg, material.privateKey);
  const issued = await issueAccessToken(signer, {
    issuer: 'https://id.example.com',
    subject: uuidv7(now.getTime()),
    audience: 'https://billing.example.com',
    clientId: 'tsr_Q2xpZW50SWQxMjM0',
    roles: ['billing-admin', 'billing-viewer', 'finance'],
    permissions: [
      'billing:admin',
      'billing:approve',
      'billing:delete',
      'billing:export',
      'billing:invoices.read',
      'billing:invoices.write',
      'billing:read',
      'billing:refund',
      'billing:reports.read',
      'billing:write',
    ],
    aver: 42,
    now,
  });
  return { issued, jwks: { keys: [material.publicJwk] } };
}

describe('issueAccessToken', () => {
  it.each(['ES256', 'EdDSA', 'RS256'] as const)(
    'makes an RFC 9068 token that jose verifies (%s)',
    async (alg) => {
      const { issued, jwks } = await typicalUserToken(alg);
      expect(decodeProtectedHeader(issued.token)).toEqual({ alg, typ: 'at+jwt', kid: issued.kid });
      const { payload } = await jwtVerify(issued.token, createLocalJWKSet(jwks), {
        algorithms: [alg],
        typ: 'at+jwt',
        issuer: 'https://id.example.com',
        audience: 'https://billing.example.com',
        currentDate: now,
      });
      expect(Object.keys(payload)).toEqual([
        'iss',
        'sub',
        'aud',
        'exp',
        'iat',
        'jti',
        'client_id',
        'roles',
        'permissions',
        'aver',
      ]);
      expect(payload.exp).toBe(Math.floor(now.getTime() / 1000) + 600);
      expect(payload.jti).toMatch(/^[A-Za-z0-9_-]{16}$/);
    },
  );

  it('adds scope only when one was requested, and aver only for user tokens', async () => {
    const material = await generateKeyMaterial('EdDSA', vault);
    const signer = createSigner(material.kid, 'EdDSA', material.privateKey);
    const base = {
      issuer: 'https://id',
      subject: 'c',
      audience: 'https://api',
      clientId: 'c',
      roles: [],
      now,
    };
    const plain = await issueAccessToken(signer, { ...base, permissions: ['api:read'] });
    const scoped = await issueAccessToken(signer, { ...base, permissions: ['api:read'], scope: 'api:read' });
    const body = (token: string) =>
      JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString());
    expect(body(plain.token)).not.toHaveProperty('scope');
    expect(body(plain.token)).not.toHaveProperty('aver');
    expect(body(scoped.token).scope).toBe('api:read');
    expect(plain.claims.jti).not.toBe(scoped.claims.jti);
  });

  // Measured: ES256 783 bytes, EdDSA 783 bytes (64-byte signatures), RS256 1039 bytes (256-byte signature).
  it.each(['ES256', 'EdDSA'] as const)(
    'keeps a typical user token (3 roles, 10 permissions) under 800 bytes with %s',
    async (alg) => {
      const { issued } = await typicalUserToken(alg);
      expect(Buffer.byteLength(issued.token)).toBeLessThan(800);
    },
  );

  it('makes the same token 1039 bytes with RS256 (over 800: its signature alone is 342 characters)', async () => {
    const { issued } = await typicalUserToken('RS256');
    expect(Buffer.byteLength(issued.token)).toBe(1039);
  });
});

describe('tiny tokens', () => {
  const many = Array.from({ length: 80 }, (_, i) => `billing:operation-number-${i}`);
  const issue = async (claimsBudget?: number) => {
    const material = await generateKeyMaterial('ES256', vault);
    const signer = createSigner(material.kid, 'ES256', material.privateKey);
    const issued = await issueAccessToken(signer, {
      issuer: 'https://id.example.com',
      subject: 'tsr_client',
      audience: 'https://billing.example.com',
      clientId: 'tsr_client',
      roles: ['billing-everything'],
      permissions: many,
      now,
      ...(claimsBudget === undefined ? {} : { claimsBudget }),
    });
    const { payload } = await jwtVerify(issued.token, createLocalJWKSet({ keys: [material.publicJwk] }), {
      algorithms: ['ES256'],
      currentDate: now,
    });
    return { issued, payload };
  };

  it('leave out the permission list past the claims budget, keep the roles, and still verify', async () => {
    const { issued, payload } = await issue();
    expect(payload.permissions).toBeUndefined();
    expect(payload.roles).toEqual(['billing-everything']);
    expect(Buffer.byteLength(Buffer.from(issued.token.split('.')[1] ?? '', 'base64url'))).toBeLessThanOrEqual(
      1024,
    );
  });

  it('keep the permission list within a larger budget', async () => {
    const { payload } = await issue(8192);
    expect(payload.permissions).toEqual(many);
  });
});
