/**
 * Refresh rotation across instances that remember their own last rotations
 * (src/core/oauth/refresh/family-cache.ts): a remembered family may be stale, and it must never
 * decide an outcome the store's row would not. Two TokenServices on one store stand for two
 * worker processes; the store is real (both dialects).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Store } from '../../src/core/ports.js';
import { TokenService } from '../../src/core/tokens/token-service.js';
import { describeDialects } from '../support/stores.js';
import { ISSUER, startWorld, type World } from './refresh-support.js';

const DAY = 86_400_000;

describeDialects('refresh rotation on several instances', (dialect) => {
  let w: World;
  let reads = 0;
  beforeAll(async () => {
    w = await startWorld(dialect);
  });
  afterAll(async () => w?.close());

  /** An instance: its own memory of families, the shared store (family reads counted). */
  const instance = (reuseGraceMs = 10_000) => {
    const store = w.t.runtime.store;
    const counting = new Proxy(store, {
      get(target, key, receiver) {
        if (key === 'getRefreshFamily') {
          return (id: string) => {
            reads++;
            return target.getRefreshFamily(id);
          };
        }
        const value = Reflect.get(target, key, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as Store;
    const service = new TokenService({
      store: counting,
      keyRing: w.t.runtime.keyRing,
      clock: w.clock,
      issuer: ISSUER,
      syncIntervalMs: 0,
      refreshTokens: { reuseGraceMs },
    });
    return async (token: string) =>
      (
        await service.token({
          params: { grant_type: 'refresh_token', client_id: w.spa.clientId, refresh_token: token },
          sourceIp: '192.0.2.1',
        })
      ).refresh_token as string;
  };
  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => 'accepted',
      (err: { code?: string; message?: string }) => `${err.code}: ${err.message}`,
    );
  const REUSED = 'ERR_INVALID_GRANT: the refresh token was already used; its family is revoked';
  const REVOKED = 'ERR_INVALID_GRANT: the refresh token was revoked';

  it('rotates from its own memory without reading the family again', async () => {
    const a = instance();
    const { token } = await w.login();
    reads = 0;
    const first = await a(token);
    expect(reads).toBe(1);
    const second = await a(first);
    const third = await a(second);
    expect(reads).toBe(1);
    expect(third).toMatch(/^tsr_/);
  });

  it('a stale memory does not let a token another instance already rotated through: it is reuse', async () => {
    const a = instance(0);
    const b = instance(0);
    const { token } = await w.login();
    const fromA = await a(token); // a remembers fromA as current
    const fromB = await b(fromA); // b rotated it: a's memory is stale
    expect(await refusal(a(fromA))).toBe(REUSED);
    expect(await refusal(b(fromB))).toBe(REVOKED);
  });

  it('a refusal decided on a stale memory is decided again on the store: reuse, not "expired"', async () => {
    // Regression guard: without the re-read, a's memory (rotated 14 days ago) would answer
    // "expired" and leave the family alive although its token had been copied.
    const a = instance(0);
    const b = instance(0);
    const { token } = await w.login();
    const fromA = await a(token);
    w.clock.advance(DAY);
    const fromB = await b(fromA);
    w.clock.advance(13.5 * DAY); // a's memory: idle for 14.5 days; the store: 13.5 days
    expect(await refusal(a(fromA))).toBe(REUSED);
    expect(await refusal(b(fromB))).toBe(REVOKED);
  });

  it('a family revoked elsewhere is refused although remembered as live', async () => {
    const a = instance();
    const { token, familyId } = await w.login();
    const live = await a(token);
    await w.t.runtime.store.revokeRefreshFamilies([familyId], w.clock.now(), 'revoked');
    expect(await refusal(a(live))).toBe(REVOKED);
  });
});
