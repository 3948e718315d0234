/**
 * Differential property test: the lean node:crypto path against jose.jwtVerify, on random valid
 * tokens and on mutations of them (bit flips, truncated parts, swapped headers, alg confusion
 * such as RS256 → HS256 keyed with the public key, "none").
 *
 * - On random tokens (some expired, not yet valid or for another audience) the two agree, with the
 *   same claims, except that we refuse an `iat` in the future, which jose checks only together
 *   with maxTokenAge.
 * - On every mutation Tessera is never more lenient: if it accepts, jose accepts with the same
 *   claims. (It may be stricter: it rejects non-canonical base64url and duplicate JSON names,
 *   which jose lets through.)
 */
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { createVerifier, type Principal } from '../src/index.js';
import { AUDIENCE, b64, claims, ISSUER, jwksOf, mint, NOW, testKey } from './support/tokens.js';

const keys = [testKey('ES256'), testKey('EdDSA'), testKey('RS256')];
const byKid = new Map(keys.map((k) => [k.kid, k]));
const TOLERANCE = 30;

const tessera = createVerifier({
  issuer: ISSUER,
  audience: AUDIENCE,
  keys: jwksOf(...keys),
  clockTolerance: TOLERANCE,
  cache: false,
  now: () => NOW * 1000,
});

async function viaJose(token: string): Promise<Record<string, unknown> | undefined> {
  try {
    const { payload } = await jwtVerify(
      token,
      (header) => {
        const key = byKid.get(String(header.kid));
        if (!key) throw new Error('unknown kid');
        return key.publicKey;
      },
      {
        issuer: ISSUER,
        audience: AUDIENCE,
        typ: 'at+jwt',
        algorithms: ['ES256', 'EdDSA', 'RS256'],
        requiredClaims: ['exp', 'iat', 'sub', 'client_id', 'jti'],
        clockTolerance: TOLERANCE,
        currentDate: new Date(NOW * 1000),
      },
    );
    return payload;
  } catch {
    return undefined;
  }
}

async function viaTessera(token: string): Promise<Principal | undefined> {
  try {
    const sync = tessera.verifySync(token);
    const async = await tessera.verify(token);
    expect(async.claims).toEqual(sync.claims);
    return async;
  } catch (err) {
    expect((err as { code?: unknown }).code).toMatch(/^ERR_/);
    return undefined;
  }
}

const name = fc.stringMatching(/^[a-z][a-z0-9._-]{0,15}$/);
const permission = fc.tuple(name, fc.oneof(name, fc.constant('*'))).map(([r, a]) => `${r}:${a}`);
const claimSet = fc.record({
  sub: fc.string({ minLength: 1, maxLength: 40 }),
  client_id: fc.string({ minLength: 1, maxLength: 40 }),
  jti: fc.string({ minLength: 1, maxLength: 24 }),
  exp: fc.integer({ min: NOW - 3 * TOLERANCE, max: NOW + 3600 }),
  iat: fc.integer({ min: NOW - 3600, max: NOW + 3 * TOLERANCE }),
  nbf: fc.option(fc.integer({ min: NOW - 3600, max: NOW + 3 * TOLERANCE }), { nil: undefined }),
  aud: fc.oneof(
    fc.constant(AUDIENCE),
    fc.constant([AUDIENCE, 'https://x.test']),
    fc.constant('https://x.test'),
  ),
  roles: fc.array(name, { maxLength: 4 }),
  permissions: fc.array(permission, { maxLength: 6 }),
  extra: fc.option(fc.string({ maxLength: 30 }), { nil: undefined }),
});
const token = fc
  .tuple(fc.constantFrom(...keys), claimSet)
  .map(([key, c]) => mint(key, claims({ ...c, nbf: c.nbf, extra: c.extra })));

const mutation = fc.oneof(
  // Flip one bit of one character (kept in the base64url alphabet or not).
  fc.tuple(fc.nat(), fc.integer({ min: 0, max: 6 })).map(([i, bit]) => (t: string) => {
    const at = i % t.length;
    return t.slice(0, at) + String.fromCharCode(t.charCodeAt(at) ^ (1 << bit)) + t.slice(at + 1);
  }),
  // Truncate one part. An earlier mutation may have taken a dot away (a flipped bit turns '.'
  // into '/'): then there may be no such part, and the token is left as it is. (The mutator
  // itself threw a TypeError there, failing the property once in a while in CI, seed
  // -2067190029.)
  fc.tuple(fc.integer({ min: 0, max: 2 }), fc.nat()).map(([part, n]) => (t: string) => {
    const parts = t.split('.');
    const p = parts[part];
    if (p === undefined) return t;
    parts[part] = p.slice(0, n % (p.length + 1));
    return parts.join('.');
  }),
  // Another key's header (kid and alg) over this payload and signature.
  fc.constantFrom(...keys).map((other) => (t: string) => {
    const h = b64(JSON.stringify({ alg: other.alg, typ: 'at+jwt', kid: other.kid }));
    return `${h}${t.slice(t.indexOf('.'))}`;
  }),
  // The header's alg replaced (same kid): ES256 ↔ RS256 ↔ EdDSA ↔ HS256 ↔ none.
  fc.constantFrom('ES256', 'EdDSA', 'RS256', 'HS256', 'none', 'PS256').map((alg) => (t: string) => {
    let header: Record<string, unknown> = {};
    try {
      header = JSON.parse(Buffer.from(t.slice(0, t.indexOf('.')), 'base64url').toString());
    } catch {}
    return `${b64(JSON.stringify({ ...header, alg }))}${t.slice(t.indexOf('.'))}`;
  }),
  // HS256 with the public key (PEM, and the JWK's bytes) as the HMAC secret.
  fc.constantFrom(...keys).map((key) => (t: string) => {
    const claimsPart = t.split('.')[1] as string;
    const h = b64(JSON.stringify({ alg: 'HS256', typ: 'at+jwt', kid: key.kid }));
    const secret = key.publicKey.export({ format: 'pem', type: 'spki' });
    return `${h}.${claimsPart}.${createHmac('sha256', secret).update(`${h}.${claimsPart}`).digest('base64url')}`;
  }),
  // Unsecured: alg none with an empty signature.
  fc.constant((t: string) => {
    const [, p] = t.split('.');
    return `${b64(JSON.stringify({ alg: 'none', typ: 'at+jwt' }))}.${p}.`;
  }),
);

describe('differential: Tessera (node:crypto) against jose.jwtVerify', () => {
  it('agrees on random tokens, valid or not by their claims', async () => {
    await fc.assert(
      fc.asyncProperty(token, async (t) => {
        const [ours, theirs] = [await viaTessera(t), await viaJose(t)];
        // One documented difference: jose checks iat in the future only with maxTokenAge; we
        // always do (RFC 9068 §4 asks for iat validation, within the clock tolerance).
        const expected = theirs !== undefined && (theirs.iat as number) <= NOW + TOLERANCE;
        expect(ours !== undefined).toBe(expected);
        if (ours && theirs) expect({ ...ours.claims }).toEqual(theirs);
      }),
      { numRuns: 300 },
    );
  });

  it('is never more lenient than jose on mutated tokens', async () => {
    await fc.assert(
      fc.asyncProperty(token, fc.array(mutation, { minLength: 1, maxLength: 3 }), async (t, mutate) => {
        const mutated = mutate.reduce((acc, m) => m(acc), t);
        const ours = await viaTessera(mutated);
        if (ours === undefined) return;
        const theirs = await viaJose(mutated);
        expect(theirs).toBeDefined();
        expect({ ...ours.claims }).toEqual(theirs);
      }),
      { numRuns: 1000 },
    );
  });

  it('rejects what jose accepts only for stricter documented reasons', async () => {
    // Duplicate claim names: jose keeps the last; we refuse (RFC 7515 §5.2).
    const key = keys[0] as (typeof keys)[number];
    const text = JSON.stringify(claims()).replace('"sub":', '"sub":"usr_eve","sub":');
    const dup = mint(key, {}, { claimsText: text });
    expect(await viaJose(dup)).toBeDefined();
    expect(await viaTessera(dup)).toBeUndefined();
  });
});
