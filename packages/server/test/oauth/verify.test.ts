import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TesseraError } from '../../src/core/errors.js';
import { verifyAccessToken } from '../../src/core/tokens/verify-access-token.js';
import { MINUTE } from '../keys/clock.js';
import { BILLING, type Fixture, ISSUER, requestToken, startFixture } from './fixture.js';

let f: Fixture;
beforeEach(async () => {
  f = await startFixture();
});
afterEach(async () => {
  await f.close();
});

const issue = async () =>
  String((await requestToken(f.app, { grant_type: 'client_credentials' }, f.clients.main)).json.access_token);
const verify = (token: string, audience = BILLING) =>
  verifyAccessToken(f.keyRing, { issuer: ISSUER, audience, clock: f.clock }, token);
const refused = async (token: string, audience = BILLING): Promise<string> => {
  const err = (await verify(token, audience).then(
    () => undefined,
    (e: unknown) => e,
  )) as TesseraError | undefined;
  expect(err?.code).toBe('ERR_UNAUTHENTICATED');
  return err?.message ?? '';
};

describe('verifyAccessToken', () => {
  it('returns the claims of a valid token', async () => {
    const claims = await verify(await issue());
    expect(claims).toMatchObject({ iss: ISSUER, aud: BILLING, client_id: 'tsr_main' });
  });

  it('refuses a wrong audience, an expired token and a bad signature', async () => {
    const token = await issue();
    expect(await refused(token, 'https://other.test')).toMatch(/aud/);
    const [h, p, s] = token.split('.');
    const flipped = `${h}.${p}.${s?.startsWith('A') ? `B${s.slice(1)}` : `A${s?.slice(1)}`}`;
    expect(await refused(flipped)).toMatch(/signature/);
    f.clock.advance(11 * MINUTE);
    expect(await refused(token)).toMatch(/expired/);
  });

  it('refuses a token whose typ is not at+jwt (an ID token, say)', async () => {
    const signer = await f.keyRing.signer();
    const now = Math.floor(f.clock.now().getTime() / 1000);
    const token = await signer.sign('JWT', {
      iss: ISSUER,
      sub: 's',
      aud: BILLING,
      exp: now + 60,
      iat: now,
      jti: 'j',
      client_id: 'c',
    });
    await refused(token);
  });

  it('takes the algorithm from the key, never from the header', async () => {
    // alg "none", and HS256 keyed with the public key (the classic confusion attacks).
    const token = await issue();
    const [header, payload] = token.split('.');
    const kid = JSON.parse(Buffer.from(header ?? '', 'base64url').toString()).kid;
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt', kid })).toString('base64url')}.${payload}.`;
    await refused(none);
    const jwk = (await f.keyRing.jwks()).keys[0];
    const hs = await new SignJWT(JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()))
      .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid })
      .sign(new TextEncoder().encode(JSON.stringify(jwk)));
    await refused(hs);
  });

  it('refuses unknown kids and headers that would pick the key (jku, jwk, x5u, crit)', async () => {
    const attacker = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const now = Math.floor(f.clock.now().getTime() / 1000);
    const claims = { iss: ISSUER, sub: 's', aud: BILLING, exp: now + 60, iat: now, jti: 'j', client_id: 'c' };
    const kid = (await f.keyRing.signer()).kid;
    const sign = (header: Record<string, unknown>) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', ...header })
        .sign(createPrivateKey(attacker.privateKey.export({ format: 'pem', type: 'pkcs8' })));
    expect(await refused(await sign({ kid: 'nope' }))).toMatch(/unknown/);
    expect(await refused(await sign({ kid, jku: 'https://evil.test/jwks' }))).toMatch(/jku/);
    expect(await refused(await sign({ kid, jwk: attacker.publicKey.export({ format: 'jwk' }) }))).toMatch(
      /jwk/,
    );
    expect(await refused(await sign({ kid, x5u: 'https://evil.test/cert' }))).toMatch(/x5u/);
    expect(await refused('not.a.token')).toMatch(/malformed/);
    const [, payload, signature] = (await issue()).split('.');
    const critHeader = Buffer.from(
      JSON.stringify({ alg: 'ES256', typ: 'at+jwt', kid, crit: ['x'], x: 1 }),
    ).toString('base64url');
    expect(await refused(`${critHeader}.${payload}.${signature}`)).toMatch(/crit/);
  });

  it('stops accepting tokens of a revoked key', async () => {
    const token = await issue();
    await f.keyRing.revoke({ type: 'cli', id: 't' }, (await f.keyRing.signer()).kid);
    expect(await refused(token)).toMatch(/unknown or withdrawn/);
  });
});
