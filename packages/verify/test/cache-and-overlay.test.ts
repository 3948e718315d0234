import { describe, expect, it, vi } from 'vitest';
import { createVerifier, type Overlay, type OverlayVerdict } from '../src/index.js';
import { AUDIENCE, claims, codeOf, ISSUER, jwksOf, mint, NOW, NOW_MS, testKey } from './support/tokens.js';

const key = testKey('ES256');

function setup(extra: Record<string, unknown> = {}) {
  const clock = { ms: NOW_MS };
  const verifier = createVerifier({
    issuer: ISSUER,
    audience: AUDIENCE,
    keys: jwksOf(key),
    clockTolerance: 0,
    now: () => clock.ms,
    ...extra,
  });
  return { verifier, clock };
}

describe('verified-token cache', () => {
  it('a hit skips the signature and claim work: a second call answers the same frozen principal', async () => {
    const { verifier } = setup();
    const token = mint(key);
    const first = await verifier.verify(token);
    expect(await verifier.verify(token)).toBe(first);
    expect(verifier.verifySync(token)).toBe(first);
    expect(verifier.health().cache).toMatchObject({ enabled: true, size: 1, hits: 2, misses: 1 });
  });

  it('an entry never outlives exp (nor iat + maxTokenAge)', async () => {
    const { verifier, clock } = setup();
    const token = mint(key, claims({ exp: NOW + 60 }));
    await verifier.verify(token);
    clock.ms = (NOW + 59) * 1000 + 999;
    expect(await codeOf(() => verifier.verify(token))).toBe('accepted');
    clock.ms = (NOW + 60) * 1000;
    expect(await codeOf(() => verifier.verify(token))).toBe('ERR_TOKEN_EXPIRED');
    const aged = setup({ maxTokenAge: 30 });
    const t2 = mint(key, claims({ exp: NOW + 600 }));
    await aged.verifier.verify(t2);
    aged.clock.ms = (NOW + 31) * 1000;
    expect(await codeOf(() => aged.verifier.verify(t2))).toBe('ERR_TOKEN_EXPIRED');
  });

  it('is keyed by the whole token: a different signature is not a hit', async () => {
    const { verifier } = setup();
    const token = mint(key);
    await verifier.verify(token);
    const [h, p] = token.split('.');
    const forged = `${h}.${p}.${'A'.repeat(86)}`;
    expect(await codeOf(() => verifier.verify(forged))).toBe('ERR_SIGNATURE_INVALID');
  });

  it('stays bounded', async () => {
    const { verifier } = setup({ cache: { maxEntries: 10 } });
    for (let i = 0; i < 50; i++) await verifier.verify(mint(key, claims({ jti: `jti-${i}` })));
    expect(verifier.health().cache.size).toBeLessThanOrEqual(10);
  });

  it('can be turned off', async () => {
    const { verifier } = setup({ cache: false });
    const token = mint(key);
    expect(await verifier.verify(token)).not.toBe(await verifier.verify(token));
    expect(verifier.health().cache).toMatchObject({ enabled: false, size: 0 });
  });
});

describe('live overlay hook', () => {
  const withOverlay = (check: Overlay['check'], failMode?: 'open' | 'closed') => {
    const spy = vi.fn(check);
    const { verifier, clock } = setup({
      live: { overlay: { check: spy }, ...(failMode ? { failMode } : {}) },
    });
    return { verifier, clock, spy };
  };

  it('runs on every call, cache hits included, with the claims and the kid', async () => {
    const { verifier, spy } = withOverlay(() => undefined);
    const token = mint(key);
    await verifier.verify(token);
    await verifier.verify(token);
    verifier.verifySync(token);
    expect(spy).toHaveBeenCalledTimes(3);
    expect(spy.mock.calls[2]?.[0]).toMatchObject({ jti: 'AAAAAAAAAAAAAAAA', sub: 'usr_ada' });
    expect(spy.mock.calls[2]?.[1]).toEqual({ kid: key.kid });
  });

  it('a revocation applies at once, even to a cached token', async () => {
    const revoked = new Set<string>();
    const { verifier } = withOverlay((c) => (revoked.has(c.jti) ? { revoked: true } : undefined));
    const token = mint(key);
    expect(await codeOf(() => verifier.verify(token))).toBe('accepted');
    revoked.add('AAAAAAAAAAAAAAAA');
    expect(await codeOf(() => verifier.verify(token))).toBe('ERR_TOKEN_REVOKED');
    expect(await codeOf(() => verifier.verifySync(token))).toBe('ERR_TOKEN_REVOKED');
    revoked.clear();
    expect(await codeOf(() => verifier.verify(token))).toBe('accepted');
  });

  it('replaces roles and permissions with the current ones; a scoped token stays within its scope', async () => {
    let verdict: OverlayVerdict = { roles: ['admin'], permissions: ['invoices:*', 'reports:read'] };
    const { verifier } = withOverlay(() => verdict);
    const p = await verifier.verify(mint(key));
    expect(p).toMatchObject({ roles: ['admin'], permissions: ['invoices:*', 'reports:read'] });
    expect(Object.isFrozen(p.permissions)).toBe(true);
    const scoped = await verifier.verify(mint(key, claims({ scope: 'invoices:read', jti: 'scoped' })));
    expect(scoped.permissions).toEqual(['invoices:read']);
    verdict = { permissions: [] };
    expect((await verifier.verify(mint(key))).permissions).toEqual([]);
    verdict = undefined;
    expect((await verifier.verify(mint(key))).permissions).toEqual(['invoices:read', 'reports:*']);
  });

  it('stale: ERR_STALE (503) under fail-closed, the token as issued under fail-open', async () => {
    const closed = withOverlay(() => ({ stale: true }));
    const err = await closed.verifier.verify(mint(key)).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_STALE', status: 503, expose: false });
    const open = withOverlay(() => ({ stale: true }), 'open');
    expect(await codeOf(() => open.verifier.verify(mint(key)))).toBe('accepted');
  });

  it('an overlay that throws counts as stale', async () => {
    const { verifier } = withOverlay(() => {
      throw new Error('boom');
    });
    expect(await codeOf(() => verifier.verify(mint(key)))).toBe('ERR_STALE');
  });

  it('close() closes the overlay, and health() includes its report', () => {
    const close = vi.fn();
    const { verifier } = setup({
      live: { overlay: { check: () => undefined, close, health: () => ({ status: 'degraded', lagMs: 12 }) } },
    });
    expect(verifier.health()).toMatchObject({ status: 'degraded', live: { lagMs: 12 } });
    verifier.close();
    expect(close).toHaveBeenCalledOnce();
    expect(() => verifier.verifySync(mint(key))).toThrow(TypeError);
  });
});
