/** The authorization slot of the Store (core/oauth/authorize/ports.ts), on both dialects. */
import { expect, it } from 'vitest';
import type { AuthorizationCode } from '../../src/core/oauth/authorize/ports.js';
import { describeDialects, useTestStore } from '../support/stores.js';
import { at, makeClient, makeUser } from './fixtures.js';

const code = (userId: string, overrides: Partial<AuthorizationCode> = {}): AuthorizationCode => ({
  codeHash: `hash-${Math.random()}`,
  clientId: 'tsr_web',
  redirectUri: 'https://app.example/cb',
  codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
  userId,
  sessionId: 'sess-1',
  authTime: at(1),
  nonce: 'n-1',
  scope: 'openid email billing:read',
  audience: 'https://billing.example',
  createdAt: at(2),
  expiresAt: at(60_002),
  usedAt: null,
  accessTokenJti: null,
  accessTokenExpiresAt: null,
  refreshFamilyId: null,
  ...overrides,
});

describeDialects('store: authorization codes, consents, client assertions', (dialect) => {
  const store = useTestStore(dialect);

  it('round-trips a code and redeems it exactly once, recording what was issued', async () => {
    const user = makeUser();
    await store().insertUser(user);
    const stored = code(user.id, { nonce: null, sessionId: null });
    await store().insertAuthorizationCode(stored);
    expect(await store().getAuthorizationCode(stored.codeHash)).toEqual(stored);
    const issued = { accessTokenJti: 'jti-1', accessTokenExpiresAt: at(600_000), refreshFamilyId: 'fam-1' };
    const redeemed = store().transaction((tx) => tx.redeemAuthorizationCode(stored.codeHash, at(3), issued));
    expect(await redeemed).toBe(true);
    expect(
      await store().redeemAuthorizationCode(stored.codeHash, at(4), { ...issued, accessTokenJti: 'x' }),
    ).toBe(false);
    expect(await store().getAuthorizationCode(stored.codeHash)).toEqual({
      ...stored,
      usedAt: at(3),
      ...issued,
    });
    expect(await store().redeemAuthorizationCode('unknown', at(4), issued)).toBe(false);
  });

  it("prunes expired codes only, and drops a deleted user's codes", async () => {
    const user = makeUser();
    await store().insertUser(user);
    const old = code(user.id, { expiresAt: at(10) });
    const fresh = code(user.id, { expiresAt: at(100_000) });
    await store().insertAuthorizationCode(old);
    await store().insertAuthorizationCode(fresh);
    expect(await store().pruneAuthorizationCodes(at(50))).toBe(1);
    expect(await store().getAuthorizationCode(old.codeHash)).toBeUndefined();
    expect(await store().getAuthorizationCode(fresh.codeHash)).toBeDefined();
    await store().deleteUser(user.id);
    expect(await store().getAuthorizationCode(fresh.codeHash)).toBeUndefined();
  });

  it('keeps one consent per user, client and audience; a new one replaces it', async () => {
    const user = makeUser();
    const client = makeClient();
    await store().insertUser(user);
    await store().insertClient(client);
    const consent = {
      userId: user.id,
      clientId: client.id,
      audience: 'https://a.example',
      scope: 'openid',
      grantedAt: at(1),
    };
    await store().putConsent(consent);
    await store().putConsent({ ...consent, audience: 'https://b.example' });
    await store().putConsent({ ...consent, scope: 'openid email', grantedAt: at(2) });
    expect(await store().getConsent(user.id, client.id, 'https://a.example')).toEqual({
      ...consent,
      scope: 'openid email',
      grantedAt: at(2),
    });
    expect((await store().listConsents(user.id, client.id)).map((c) => c.audience)).toEqual([
      'https://a.example',
      'https://b.example',
    ]);
    expect(await store().getConsent(user.id, client.id, 'https://c.example')).toBeUndefined();
    await store().deleteClient(client.id);
    expect(await store().listConsents(user.id, client.id)).toEqual([]);
  });

  it('accepts a client assertion jti once per client until it expires', async () => {
    expect(await store().useClientAssertion('tsr_a', 'jti-1', at(60_000), at(0))).toBe(true);
    expect(await store().useClientAssertion('tsr_a', 'jti-1', at(60_000), at(1))).toBe(false);
    expect(await store().useClientAssertion('tsr_b', 'jti-1', at(60_000), at(1))).toBe(true);
    // Once expired, the entry is pruned; the assertion itself would fail its exp check by then.
    expect(await store().useClientAssertion('tsr_a', 'jti-1', at(120_000), at(60_001))).toBe(true);
  });
});
