import { randomBytes } from 'node:crypto';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventBus } from '../../src/core/events.js';
import { KeyRing, type KeyRingOptions } from '../../src/core/keys/keyring.js';
import { createKeyVault } from '../../src/core/keys/vault.js';
import { KEY_ALGORITHMS, type LogEvent } from '../../src/core/model.js';
import type { Store } from '../../src/core/ports.js';
import { describeDialects, openTestStore, type TestStore } from '../support/stores.js';
import { DAY, frozenClock, HOUR, MINUTE, type TestClock } from './clock.js';

const LIFETIME = 10 * MINUTE;
const actor = { type: 'cli' as const, id: 'tester' };

describeDialects('KeyRing', (dialect) => {
  let test: TestStore;
  let store: Store;
  let clock: TestClock;
  let vault: ReturnType<typeof createKeyVault>;
  let events: LogEvent[];
  let bus: EventBus;

  const ring = (options: Partial<KeyRingOptions> = {}) =>
    new KeyRing({ store, vault, clock, bus, maxTokenLifetimeMs: LIFETIME, ...options });
  const states = async (keyRing: KeyRing) => (await keyRing.list()).map((k) => [k.kid, k.state]);

  beforeEach(async () => {
    test = await openTestStore(dialect);
    store = test.store;
    clock = frozenClock();
    vault = createKeyVault(new Uint8Array(randomBytes(32)));
    events = [];
    bus = new EventBus();
    bus.subscribe((e) => events.push(...e));
  });
  afterEach(async () => {
    await test.cleanup();
  });

  describe('schedule', () => {
    it('creates one active ES256 key on the first tick, and nothing more on the next ones', async () => {
      const keyRing = ring();
      await keyRing.tick();
      await keyRing.tick();
      const keys = await keyRing.list();
      expect(keys).toHaveLength(1);
      expect(keys[0]).toMatchObject({ alg: 'ES256', state: 'active', retiredAt: null, removeAt: null });
      expect(keys[0]?.kid).toMatch(/^[A-Za-z0-9_-]{8,11}$/);
      expect(events.map((e) => e.type)).toEqual(['key.created', 'key.activated']);
      expect(events[0]).toMatchObject({ subjectType: 'key', subjectId: keys[0]?.kid });
      const audit = await store.listAudit({ limit: 10 });
      expect(audit.map((a) => [a.action, a.actorType, a.actorId])).toEqual([
        ['key.created', 'system', 'tessera'],
      ]);
    });

    it('publishes the successor 24 h ahead, activates it on time, retires and finally removes the old key', async () => {
      const keyRing = ring();
      await keyRing.tick();
      const [first] = await keyRing.list();
      const firstKid = first?.kid as string;
      const start = clock.now().getTime();

      // 30 days minus a little more than 24 h: nothing due yet.
      clock.set(new Date(start + 29 * DAY - MINUTE));
      await keyRing.tick();
      expect(await keyRing.list()).toHaveLength(1);

      // Due within publishAhead: a successor is published, activating exactly at the due time.
      clock.set(new Date(start + 29 * DAY));
      await keyRing.tick();
      const afterPublish = await keyRing.list();
      expect(afterPublish).toHaveLength(2);
      const successor = afterPublish[1];
      expect(successor?.state).toBe('published');
      expect(successor?.activateAt.getTime()).toBe(start + 30 * DAY);
      const successorKid = successor?.kid as string;
      expect((await keyRing.jwks()).keys.map((k) => k.kid)).toEqual([firstKid, successorKid]);
      expect((await keyRing.signer()).kid).toBe(firstKid);
      await keyRing.tick();
      expect(await keyRing.list()).toHaveLength(2);

      // The successor signs from its activateAt, before any tick records it.
      clock.set(new Date(start + 30 * DAY));
      expect((await keyRing.signer()).kid).toBe(successorKid);
      expect(await states(keyRing)).toEqual([
        [firstKid, 'retired'],
        [successorKid, 'active'],
      ]);

      // The tick writes the retirement: removeAt = now + max token lifetime + grace.
      clock.advance(MINUTE);
      await keyRing.tick();
      const retired = (await keyRing.list())[0];
      expect(retired?.retiredAt?.getTime()).toBe(start + 30 * DAY + MINUTE);
      expect(retired?.removeAt?.getTime()).toBe(start + 30 * DAY + MINUTE + LIFETIME + HOUR);
      expect((await keyRing.jwks()).keys.map((k) => k.kid)).toEqual([firstKid, successorKid]);
      expect(events.filter((e) => e.subjectId === firstKid).map((e) => e.type)).toEqual([
        'key.created',
        'key.activated',
        'key.retired',
      ]);
      expect(events.filter((e) => e.subjectId === successorKid).map((e) => e.type)).toEqual([
        'key.created',
        'key.activated',
      ]);

      // Just before removeAt it is still published; at removeAt it leaves the JWKS, then the store.
      clock.set(new Date((retired?.removeAt?.getTime() ?? 0) - 1));
      await keyRing.tick();
      expect((await keyRing.jwks()).keys).toHaveLength(2);
      clock.advance(1);
      expect((await keyRing.jwks()).keys.map((k) => k.kid)).toEqual([successorKid]);
      await keyRing.tick();
      expect((await keyRing.list()).map((k) => k.kid)).toEqual([successorKid]);
      const actions = (await store.listAudit({ limit: 20 })).map((a) => a.action);
      expect(actions).toEqual(['key.created', 'key.created', 'key.retired', 'key.activated', 'key.removed']);
    });

    it('gives a late successor its full publication window after downtime', async () => {
      const keyRing = ring();
      await keyRing.tick();
      const start = clock.now().getTime();
      clock.set(new Date(start + 40 * DAY)); // the server was off past the due time
      await keyRing.tick();
      const [old, successor] = await keyRing.list();
      expect(old?.state).toBe('active');
      expect(successor?.activateAt.getTime()).toBe(start + 41 * DAY);
    });

    it('does not publish a revoked key, and replaces a revoked signing key at once', async () => {
      const keyRing = ring();
      await keyRing.tick();
      const [first] = await keyRing.list();
      clock.advance(MINUTE);
      await keyRing.revoke(actor, first?.kid as string);
      const keys = await keyRing.list();
      expect(keys.map((k) => k.state)).toEqual(['revoked', 'active']);
      const jwks = await keyRing.jwks();
      expect(jwks.keys.map((k) => k.kid)).toEqual([keys[1]?.kid]);
      expect((await keyRing.signer()).kid).toBe(keys[1]?.kid);
      expect(await keyRing.verificationKey(first?.kid as string)).toBeUndefined();
      expect(events.map((e) => e.type)).toContain('key.revoked');

      // A key revoked directly in the store (another instance) leaves this ring's JWKS at the next tick.
      const [, current] = await store.listKeys();
      clock.advance(MINUTE);
      await store.updateKey({ ...(current as NonNullable<typeof current>), revokedAt: clock.now() });
      await keyRing.tick();
      expect((await keyRing.jwks()).keys.map((k) => k.kid)).not.toContain(current?.kid);
      expect((await keyRing.list()).filter((k) => k.state === 'active')).toHaveLength(1);

      // Revoked rows are deleted once everything they could have signed has expired.
      clock.advance(LIFETIME + HOUR);
      await keyRing.tick();
      expect((await keyRing.list()).map((k) => k.state)).toEqual(['active']);
    });

    it('rotates on demand: publish-ahead by default, or immediately', async () => {
      const keyRing = ring();
      await keyRing.tick();
      const [first] = await keyRing.list();
      const ahead = await keyRing.rotate(actor, { algorithm: 'EdDSA' });
      expect(ahead).toMatchObject({ alg: 'EdDSA', state: 'published' });
      expect(ahead.activateAt.getTime()).toBe(clock.now().getTime() + DAY);
      expect((await keyRing.signer()).kid).toBe(first?.kid);
      expect((await keyRing.jwks()).keys.map((k) => k.kid)).toContain(ahead.kid);

      const now = await keyRing.rotate(actor, { immediate: true });
      expect(now).toMatchObject({ alg: 'ES256', state: 'active' });
      expect((await keyRing.signer()).kid).toBe(now.kid);
      const listed = await keyRing.list();
      expect(listed.find((k) => k.kid === first?.kid)).toMatchObject({ state: 'retired' });
      expect(listed.find((k) => k.kid === first?.kid)?.removeAt?.getTime()).toBe(
        clock.now().getTime() + LIFETIME + HOUR,
      );
      const audit = await store.listAudit({ limit: 20 });
      expect(audit.filter((a) => a.actorType === 'cli').map((a) => a.action)).toEqual([
        'key.created',
        'key.created',
        'key.retired',
        'key.activated',
      ]);
    });

    it('lets several instances tick at once on one database and still creates one key', async () => {
      const others = await Promise.all([test.reopen(), test.reopen()]);
      const rings = [
        ring(),
        ...others.map((s) => new KeyRing({ store: s, vault, clock, maxTokenLifetimeMs: LIFETIME })),
      ];
      await Promise.all(rings.map((r) => r.tick()));
      expect(await store.listKeys()).toHaveLength(1);
      const kids = await Promise.all(rings.map(async (r) => (await r.signer()).kid));
      expect(new Set(kids).size).toBe(1);
    });

    it('shows a key another instance created after its next tick, without touching the store in between', async () => {
      const a = ring();
      const b = ring();
      await a.tick();
      await b.tick();
      const created = await a.rotate(actor);
      expect((await b.jwks()).keys.map((k) => k.kid)).not.toContain(created.kid);
      await b.tick();
      expect((await b.jwks()).keys.map((k) => k.kid)).toContain(created.kid);
    });

    it('refuses inconsistent options at construction', () => {
      expect(() => ring({ publishAheadMs: 31 * DAY })).toThrow(TypeError);
      expect(() => ring({ algorithm: 'HS256' as never })).toThrow(TypeError);
      expect(() => ring({ maxTokenLifetimeMs: Number.NaN })).toThrow(TypeError);
    });
  });

  describe.each(KEY_ALGORITHMS)('with %s', (algorithm) => {
    it('signs tokens that jose verifies against the published JWKS with that algorithm only', async () => {
      const keyRing = ring({ algorithm });
      await keyRing.tick();
      const jwks = await keyRing.jwks();
      expect(jwks.keys).toHaveLength(1);
      const [jwk] = jwks.keys;
      expect(jwk).toMatchObject({ alg: algorithm, use: 'sig' });
      for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(jwk).not.toHaveProperty(member);

      const signer = await keyRing.signer();
      const now = Math.floor(clock.now().getTime() / 1000);
      const token = await signer.sign('at+jwt', {
        iss: 'https://id.test',
        sub: 's',
        aud: 'https://api.test',
        exp: now + 60,
      });
      const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(jwks), {
        algorithms: [algorithm],
        issuer: 'https://id.test',
        audience: 'https://api.test',
        typ: 'at+jwt',
        currentDate: clock.now(),
      });
      expect(protectedHeader).toEqual({ alg: algorithm, typ: 'at+jwt', kid: signer.kid });
      expect(payload.sub).toBe('s');
      const other = algorithm === 'ES256' ? 'RS256' : 'ES256';
      await expect(
        jwtVerify(token, createLocalJWKSet(jwks), { algorithms: [other], currentDate: clock.now() }),
      ).rejects.toThrow();
    });
  });
});
