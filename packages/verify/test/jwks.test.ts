import { describe, expect, it } from 'vitest';
import { createVerifier } from '../src/index.js';
import {
  AUDIENCE,
  claims,
  codeOf,
  ISSUER,
  jwksOf,
  mint,
  NOW_MS,
  type TestKey,
  testKey,
} from './support/tokens.js';

const URI = 'https://id.example.test/.well-known/jwks.json';
const k1 = testKey('ES256', 'k1');
const k2 = testKey('ES256', 'k2');

/** A JWKS endpoint double: counts fetches, serves `keys`, or fails as told. */
function endpoint(...initial: TestKey[]) {
  const state = {
    keys: initial,
    fetches: 0,
    status: 200,
    body: undefined as string | undefined,
    hang: false,
    delayMs: 0,
  };
  const fetch = async (_url: string | URL | Request, init?: RequestInit): Promise<Response> => {
    state.fetches++;
    if (state.hang) {
      return new Promise((_, reject) =>
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason), { once: true }),
      );
    }
    if (state.delayMs > 0) await new Promise((r) => setTimeout(r, state.delayMs));
    return new Response(state.body ?? JSON.stringify(jwksOf(...state.keys)), { status: state.status });
  };
  const clock = { ms: NOW_MS };
  const make = (jwks: Record<string, unknown> = {}) =>
    createVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      jwksUri: URI,
      clockTolerance: 5,
      now: () => clock.ms,
      jwks: { fetch, ...jwks },
    });
  return { state, clock, make };
}

describe('JWKS cache', () => {
  it('fetches lazily, once, shared by concurrent first callers', async () => {
    const { state, make } = endpoint(k1);
    const verifier = make();
    expect(state.fetches).toBe(0);
    expect(verifier.health().status).toBe('unavailable');
    state.delayMs = 20;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => verifier.verify(mint(k1, claims({ jti: `j${i}` })))),
    );
    expect(results).toHaveLength(20);
    expect(state.fetches).toBe(1);
    expect(verifier.health()).toMatchObject({
      status: 'ok',
      keys: { source: 'jwks', kids: ['k1'], fetches: 1 },
    });
  });

  it('rotation: a token signed by a newly published key verifies after exactly one refetch, shared by all', async () => {
    const { state, make } = endpoint(k1);
    const verifier = make();
    await verifier.verify(mint(k1));
    state.keys = [k1, k2];
    state.delayMs = 20;
    const burst = Array.from({ length: 50 }, (_, i) => verifier.verify(mint(k2, claims({ jti: `r${i}` }))));
    const codes = await Promise.all(burst.map((p) => codeOf(() => p)));
    expect(new Set(codes)).toEqual(new Set(['accepted']));
    expect(state.fetches).toBe(2);
  });

  it('made-up kids cannot force a refetch storm: one refetch per cooldown', async () => {
    const { state, clock, make } = endpoint(k1);
    const verifier = make({ cooldownMs: 30_000 });
    await verifier.verify(mint(k1));
    const forged = (i: number) => mint(k1, claims(), { header: { kid: `made-up-${i}` } });
    for (let i = 0; i < 200; i++)
      expect(await codeOf(() => verifier.verify(forged(i)))).toBe('ERR_KEY_UNKNOWN');
    expect(state.fetches).toBe(2);
    clock.ms += 29_999;
    expect(await codeOf(() => verifier.verify(forged(1000)))).toBe('ERR_KEY_UNKNOWN');
    expect(state.fetches).toBe(2);
    clock.ms += 1;
    expect(await codeOf(() => verifier.verify(forged(1001)))).toBe('ERR_KEY_UNKNOWN');
    expect(state.fetches).toBe(3);
  });

  it('times out a hanging fetch: ERR_JWKS_UNAVAILABLE (503), and does not retry before the cooldown', async () => {
    const { state, make } = endpoint(k1);
    state.hang = true;
    const verifier = make({ timeoutMs: 50 });
    const err = await verifier.verify(mint(k1)).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_JWKS_UNAVAILABLE', status: 503 });
    expect(verifier.health().keys.lastError).toMatch(/timed out/);
    expect(await codeOf(() => verifier.verify(mint(k1)))).toBe('ERR_JWKS_UNAVAILABLE');
    expect(state.fetches).toBe(1);
  });

  it('keeps verifying with the old keys when a refresh fails; refreshes after max age', async () => {
    const { state, clock, make } = endpoint(k1);
    const verifier = make({ maxAgeMs: 60_000, cooldownMs: 10_000 });
    await verifier.verify(mint(k1));
    state.status = 500;
    clock.ms += 60_000;
    expect(await codeOf(() => verifier.verify(mint(k1, claims({ jti: 'x1' }))))).toBe('accepted');
    await new Promise((r) => setTimeout(r, 10));
    expect(state.fetches).toBe(2);
    expect(verifier.health()).toMatchObject({ status: 'degraded', keys: { failures: 1 } });
    expect(await codeOf(() => verifier.verify(mint(k1, claims({ jti: 'x2' }))))).toBe('accepted');
    expect(state.fetches).toBe(2); // within the cooldown
    state.status = 200;
    clock.ms += 10_000;
    await verifier.verify(mint(k1, claims({ jti: 'x3' })));
    await new Promise((r) => setTimeout(r, 10));
    expect(state.fetches).toBe(3);
    expect(verifier.health().status).toBe('ok');
  });

  it('a key withdrawn from the JWKS stops verifying, cached tokens included', async () => {
    const { state, clock, make } = endpoint(k1, k2);
    const verifier = make({ maxAgeMs: 60_000 });
    const token = mint(k1);
    await verifier.verify(token);
    state.keys = [k2];
    clock.ms += 60_000;
    await verifier.verify(mint(k2)); // starts the background refresh
    await new Promise((r) => setTimeout(r, 10));
    expect(state.fetches).toBe(2);
    expect(await codeOf(() => verifier.verify(token))).toBe('ERR_KEY_UNKNOWN');
  });

  it('verifySync needs loaded keys, and starts loading them', async () => {
    const { make } = endpoint(k1);
    const verifier = make();
    expect(await codeOf(() => verifier.verifySync(mint(k1)))).toBe('ERR_JWKS_UNAVAILABLE');
    await verifier.ready();
    expect(verifier.verifySync(mint(k1)).sub).toBe('usr_ada');
  });

  it('refuses bad JWKS answers: non-200, not JSON, too large, no usable key', async () => {
    for (const [patch, message] of [
      [{ status: 404 }, /HTTP 404/],
      [{ body: '<html>' }, /not JSON/],
      [{ body: JSON.stringify({ keys: [], pad: 'x'.repeat(5000) }) }, /larger than/],
      [{ body: JSON.stringify({ keys: [{ kty: 'oct', k: 'c2VjcmV0' }] }) }, /no usable key/],
    ] as const) {
      const { state, make } = endpoint(k1);
      Object.assign(state, patch);
      const verifier = make({ maxBytes: 4096 });
      expect(await codeOf(() => verifier.verify(mint(k1)))).toBe('ERR_JWKS_UNAVAILABLE');
      expect(verifier.health().keys.lastError).toMatch(message);
    }
  });

  it('pins keys without alg by their type, and skips keys for other algorithms', async () => {
    const ed = testKey('EdDSA', 'ed-noalg', false);
    const rsa = testKey('RS256', 'rs-noalg', false);
    const ps = { ...testKey('RS256', 'ps').jwk, alg: 'PS256' };
    const { state, make } = endpoint(ed, rsa);
    state.body = JSON.stringify({
      keys: [ed.jwk, rsa.jwk, ps, { kty: 'EC', crv: 'P-256', use: 'enc', kid: 'e' }],
    });
    const verifier = make();
    expect(await codeOf(() => verifier.verify(mint(ed)))).toBe('accepted');
    expect(await codeOf(() => verifier.verify(mint(rsa)))).toBe('accepted');
    // RS256 pinned on the RSA key: a PS256 header over the same key is refused.
    expect(await codeOf(() => verifier.verify(mint(rsa, claims(), { header: { alg: 'PS256' } })))).toBe(
      'ERR_ALG_NOT_ALLOWED',
    );
    expect(verifier.health().keys.kids).toEqual(['ed-noalg', 'rs-noalg']);
    expect(verifier.health().keys.skipped).toHaveLength(2);
  });
});
