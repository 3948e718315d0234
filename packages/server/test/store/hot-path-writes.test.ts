/**
 * The token endpoint's hot writes on both dialects: a code redemption's claim and refresh family
 * in one store call, and the synchronous SQLite path (store/dialects/sqlite.ts `SyncSqlite`)
 * staying out of an async transaction open on the same connection.
 */
import { expect, it } from 'vitest';
import type { AuthorizationCode } from '../../src/core/oauth/authorize/ports.js';
import { hashRefreshToken, newRefreshFamily } from '../../src/core/oauth/refresh/tokens.js';
import { describeDialects, useTestStore } from '../support/stores.js';
import { at, makeUser } from './fixtures.js';

const code = (userId: string): AuthorizationCode => ({
  codeHash: `hash-${Math.random()}`,
  clientId: 'tsr_web',
  redirectUri: 'https://app.example/cb',
  codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
  userId,
  sessionId: 'sess-1',
  authTime: at(1),
  nonce: null,
  scope: 'openid offline_access',
  audience: 'https://api.example',
  createdAt: at(2),
  expiresAt: at(60_002),
  usedAt: null,
  accessTokenJti: null,
  accessTokenExpiresAt: null,
  refreshFamilyId: null,
});

const familyFor = (userId: string) =>
  newRefreshFamily({
    userId,
    clientId: 'tsr_web',
    audience: 'https://api.example',
    scope: 'openid offline_access',
    sessionId: 'sess-1',
    authTime: at(1),
    now: at(3),
  });

describeDialects('store: the hot writes of code redemption and refresh rotation', (dialect) => {
  const store = useTestStore(dialect);

  it('claims a code and starts its refresh family together, once; a lost claim writes no family', async () => {
    const user = makeUser();
    await store().insertUser(user);
    const stored = code(user.id);
    await store().insertAuthorizationCode(stored);
    const issued = { accessTokenJti: 'jti-1', accessTokenExpiresAt: at(600_000), refreshFamilyId: null };
    const first = familyFor(user.id);
    expect(
      await store().redeemAuthorizationCodeWithFamily(
        stored.codeHash,
        at(3),
        { ...issued, refreshFamilyId: first.family.id },
        first.family,
      ),
    ).toBe(true);
    expect(await store().getAuthorizationCode(stored.codeHash)).toMatchObject({
      usedAt: at(3),
      accessTokenJti: 'jti-1',
      refreshFamilyId: first.family.id,
    });
    expect(await store().getRefreshFamily(first.family.id)).toMatchObject({
      userId: user.id,
      currentHash: hashRefreshToken(first.token),
      previousHash: null,
    });

    // A second redemption (root store, then inside a transaction) loses and leaves no family behind.
    const second = familyFor(user.id);
    expect(
      await store().redeemAuthorizationCodeWithFamily(stored.codeHash, at(4), issued, second.family),
    ).toBe(false);
    const third = familyFor(user.id);
    expect(
      await store().transaction((tx) =>
        tx.redeemAuthorizationCodeWithFamily(stored.codeHash, at(5), issued, third.family),
      ),
    ).toBe(false);
    expect(await store().getRefreshFamily(second.family.id)).toBeUndefined();
    expect(await store().getRefreshFamily(third.family.id)).toBeUndefined();
    expect((await store().getAuthorizationCode(stored.codeHash))?.refreshFamilyId).toBe(first.family.id);
    expect(
      await store().redeemAuthorizationCodeWithFamily('unknown', at(4), issued, familyFor(user.id).family),
    ).toBe(false);
  });

  // Regression: a statement run straight on SQLite's connection while an async transaction is
  // open on it would join that transaction (seeing, and committing or losing, its writes).
  it('never reads or writes inside a transaction in flight on the same connection', async () => {
    const user = makeUser();
    await store().insertUser(user);
    const pending = familyFor(user.id);
    let opened!: () => void;
    const open = new Promise<void>((resolve) => {
      opened = resolve;
    });
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const rolledBack = store()
      .transaction(async (tx) => {
        await tx.insertRefreshFamily(pending.family);
        opened();
        await released;
        throw new Error('roll back');
      })
      .catch((err: unknown) => err);
    await open;
    const lookup = store().getRefreshFamily(pending.family.id);
    const rotation = store().rotateRefreshToken({
      familyId: pending.family.id,
      expectedCurrentHash: pending.family.currentHash,
      parentHash: pending.family.currentHash,
      newHash: 'next',
      now: at(10),
    });
    const other = familyFor(user.id);
    const inserted = store().insertRefreshFamily(other.family);
    release();
    expect(await rolledBack).toEqual(new Error('roll back'));
    expect(await lookup).toBeUndefined();
    expect(await rotation).toBe(false);
    await inserted;
    // The insert made while the transaction was open was not rolled back with it.
    expect(await store().getRefreshFamily(other.family.id)).toMatchObject({ id: other.family.id });
    expect(await store().getRefreshFamily(pending.family.id)).toBeUndefined();
  });
});
