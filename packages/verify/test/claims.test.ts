import { describe, expect, it } from 'vitest';
import { createVerifier, VerifyError } from '../src/index.js';
import { AUDIENCE, claims, codeOf, ISSUER, jwksOf, mint, NOW, NOW_MS, testKey } from './support/tokens.js';

const key = testKey('ES256');
const verifier = (extra: Record<string, unknown> = {}, nowMs = NOW_MS) =>
  createVerifier({
    issuer: ISSUER,
    audience: AUDIENCE,
    keys: jwksOf(key),
    clockTolerance: 30,
    cache: false,
    now: () => nowMs,
    ...extra,
  });

describe('claims (RFC 9068 §4, RFC 7519 §4.1), frozen clock', () => {
  it('accepts a Tessera token and returns its principal', async () => {
    const p = await verifier().verify(mint(key, claims({ scope: 'invoices:read reports:x' })));
    expect(p).toMatchObject({
      sub: 'usr_ada',
      clientId: 'tsr_app',
      roles: ['viewer'],
      permissions: ['invoices:read', 'reports:*'],
      scope: ['invoices:read', 'reports:x'],
    });
    expect(p.claims.jti).toBe('AAAAAAAAAAAAAAAA');
    expect(Object.isFrozen(p) && Object.isFrozen(p.claims) && Object.isFrozen(p.permissions)).toBe(true);
    expect(verifier().verifySync(mint(key)).sub).toBe('usr_ada');
  });

  it('refuses the wrong issuer or audience; accepts an aud list holding ours', async () => {
    const v = verifier();
    expect(await codeOf(() => v.verify(mint(key, claims({ iss: 'https://evil.test' }))))).toBe(
      'ERR_CLAIM_INVALID',
    );
    expect(await codeOf(() => v.verify(mint(key, claims({ iss: `${ISSUER}/` }))))).toBe('ERR_CLAIM_INVALID');
    expect(await codeOf(() => v.verify(mint(key, claims({ aud: 'https://other.test' }))))).toBe(
      'ERR_CLAIM_INVALID',
    );
    expect(await codeOf(() => v.verify(mint(key, claims({ aud: [] }))))).toBe('ERR_CLAIM_INVALID');
    expect(await codeOf(() => v.verify(mint(key, claims({ aud: ['x', AUDIENCE] }))))).toBe('accepted');
    const multi = verifier({ audience: ['https://a.test', AUDIENCE] });
    expect(await codeOf(() => multi.verify(mint(key)))).toBe('accepted');
  });

  it('exp: refused from exp - tolerance on, accepted before (bounded leeway)', async () => {
    const token = mint(key, claims({ exp: NOW + 600 }));
    expect(await codeOf(() => verifier({}, (NOW + 629) * 1000).verify(token))).toBe('accepted');
    expect(await codeOf(() => verifier({}, (NOW + 630) * 1000).verify(token))).toBe('ERR_TOKEN_EXPIRED');
    expect(await codeOf(() => verifier({ clockTolerance: 0 }, (NOW + 600) * 1000).verify(token))).toBe(
      'ERR_TOKEN_EXPIRED',
    );
  });

  it('nbf and iat may not lie in the future beyond the tolerance', async () => {
    const v = verifier();
    expect(await codeOf(() => v.verify(mint(key, claims({ nbf: NOW + 30 }))))).toBe('accepted');
    expect(await codeOf(() => v.verify(mint(key, claims({ nbf: NOW + 31 }))))).toBe(
      'ERR_TOKEN_NOT_YET_VALID',
    );
    expect(await codeOf(() => v.verify(mint(key, claims({ iat: NOW + 30 }))))).toBe('accepted');
    expect(await codeOf(() => v.verify(mint(key, claims({ iat: NOW + 31 }))))).toBe('ERR_CLAIM_INVALID');
  });

  it('maxTokenAge refuses old tokens whatever their exp', async () => {
    const token = mint(key, claims({ iat: NOW - 3600, exp: NOW + 3600 }));
    expect(await codeOf(() => verifier().verify(token))).toBe('accepted');
    expect(await codeOf(() => verifier({ maxTokenAge: 600 }).verify(token))).toBe('ERR_TOKEN_EXPIRED');
  });

  it('requires the RFC 9068 §2.2 claims and Tessera claim types', async () => {
    const v = verifier();
    for (const name of ['iss', 'aud', 'exp', 'iat', 'sub', 'client_id', 'jti']) {
      expect(await codeOf(() => v.verify(mint(key, claims({ [name]: undefined }))))).toBe(
        'ERR_CLAIM_INVALID',
      );
    }
    const wrong: Record<string, unknown>[] = [
      { exp: String(NOW + 600) },
      { exp: 'inf' },
      { iat: null },
      { nbf: 'soon' },
      { sub: 42 },
      { sub: '' },
      { aud: [AUDIENCE, 7] },
      { scope: ['invoices:read'] },
      { roles: 'viewer' },
      { permissions: [1] },
      { aver: 1.5 },
    ];
    for (const bad of wrong) {
      const body =
        bad.exp === 'inf' ? JSON.stringify(claims()).replace(/"exp":\d+/, '"exp":1e400') : undefined;
      const token = mint(key, claims(bad), body ? { claimsText: body } : {});
      expect([bad, await codeOf(() => v.verify(token))]).toEqual([bad, 'ERR_CLAIM_INVALID']);
    }
  });

  it('typ must be at+jwt or application/at+jwt (case-insensitive)', async () => {
    const v = verifier();
    for (const typ of ['at+jwt', 'application/at+jwt', 'AT+JWT', 'Application/At+JWT'])
      expect(await codeOf(() => v.verify(mint(key, claims(), { header: { typ } })))).toBe('accepted');
    for (const typ of ['JWT', 'jwt', undefined, 'at+jwt ', 'application/jwt'])
      expect(await codeOf(() => v.verify(mint(key, claims(), { header: { typ } })))).toBe(
        'ERR_CLAIM_INVALID',
      );
  });

  it('errors know their RFC 6750 error and status, and never carry the token', async () => {
    const token = mint(key, claims({ exp: NOW - 3600 }));
    const err = await verifier()
      .verify(token)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VerifyError);
    expect(err).toMatchObject({
      code: 'ERR_TOKEN_EXPIRED',
      status: 401,
      bearerError: 'invalid_token',
      expose: true,
    });
    expect(String((err as Error).message)).not.toContain(token.slice(0, 20));
  });
});
