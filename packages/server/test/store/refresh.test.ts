/** Refresh-token families on both dialects: issue, look up by hash, rotate (compare-and-set), revoke. */
import { expect, it } from 'vitest';
import {
  hashRefreshToken,
  issueRefreshToken,
  revokeRefreshFamilies,
} from '../../src/core/oauth/refresh/tokens.js';
import { describeDialects, useTestStore } from '../support/stores.js';
import { at, makeUser } from './fixtures.js';

describeDialects('store: refresh token families', (dialect) => {
  const store = useTestStore(dialect);

  const start = async (userId: string, now = at(0)) =>
    store().transaction((tx) =>
      issueRefreshToken(tx, {
        userId,
        clientId: 'app',
        audience: 'https://api.example',
        scope: 'openid offline_access billing:read',
        sessionId: 's1',
        authTime: at(-5),
        now,
      }),
    );

  it('stores only the hash and finds the token by it, with its family', async () => {
    const user = makeUser();
    await store().insertUser(user);
    const { token, familyId } = await start(user.id);
    expect(token).toMatch(/^tsr_[A-Za-z0-9_-]{43}$/);
    const found = await store().findRefreshToken(hashRefreshToken(token));
    expect(found).toMatchObject({
      hash: hashRefreshToken(token),
      familyId,
      parentHash: null,
      issuedAt: at(0),
      family: {
        id: familyId,
        userId: user.id,
        clientId: 'app',
        audience: 'https://api.example',
        scope: 'openid offline_access billing:read',
        sessionId: 's1',
        authTime: at(-5),
        createdAt: at(0),
        currentHash: hashRefreshToken(token),
        revokedAt: null,
      },
    });
    expect(await store().findRefreshToken(hashRefreshToken(`${token}x`))).toBeUndefined();
  });

  it('rotates only from the current token (compare-and-set); the old row stays, unchanged', async () => {
    const user = makeUser();
    await store().insertUser(user);
    const { token, familyId } = await start(user.id);
    const first = hashRefreshToken(token);
    const rotation = { familyId, expectedCurrentHash: first, parentHash: first, now: at(10) };
    expect(await store().rotateRefreshToken({ ...rotation, newHash: 'second' })).toBe(true);
    expect(await store().rotateRefreshToken({ ...rotation, newHash: 'third' })).toBe(false);
    expect(await store().getRefreshTokenRow('third')).toBeUndefined();
    expect(await store().getRefreshTokenRow(first)).toEqual({
      hash: first,
      familyId,
      parentHash: null,
      issuedAt: at(0),
    });
    const second = await store().findRefreshToken('second');
    expect(second).toMatchObject({ parentHash: first, issuedAt: at(10) });
    expect(second?.family).toMatchObject({ currentHash: 'second', rotatedAt: at(10) });
    // Grace-window shape: the parent is re-presented, superseding the unused successor.
    expect(
      await store().rotateRefreshToken({
        familyId,
        expectedCurrentHash: 'second',
        parentHash: first,
        newHash: 'fourth',
        now: at(12),
      }),
    ).toBe(true);
    expect((await store().findRefreshToken('second'))?.family.currentHash).toBe('fourth');
    expect(await store().getRefreshTokenRow('fourth')).toMatchObject({ parentHash: first, issuedAt: at(12) });
  });

  it('revokes families once, and a revoked family no longer rotates', async () => {
    const user = makeUser();
    await store().insertUser(user);
    const a = await start(user.id);
    const b = await start(user.id);
    const n = await store().transaction((tx) => revokeRefreshFamilies(tx, [a.familyId, b.familyId], at(20)));
    expect(n).toBe(2);
    expect(await store().transaction((tx) => revokeRefreshFamilies(tx, [a.familyId], at(21)))).toBe(0);
    const found = await store().findRefreshToken(hashRefreshToken(a.token));
    expect(found?.family).toMatchObject({ revokedAt: at(20), revokedReason: 'revoked' });
    const hash = hashRefreshToken(a.token);
    expect(
      await store().rotateRefreshToken({
        familyId: a.familyId,
        expectedCurrentHash: hash,
        parentHash: hash,
        newHash: 'x',
        now: at(22),
      }),
    ).toBe(false);
  });

  it("revokes a user's families created at or before a moment, not later ones", async () => {
    const user = makeUser();
    const other = makeUser();
    await store().insertUser(user);
    await store().insertUser(other);
    const old = await start(user.id, at(0));
    const edge = await start(user.id, at(5));
    const later = await start(user.id, at(9));
    const others = await start(other.id, at(0));
    const ids = await store().revokeUserRefreshFamilies(user.id, at(5), at(10), 'user_tokens_revoked');
    expect(ids).toEqual([old.familyId, edge.familyId].sort());
    expect((await store().findRefreshToken(hashRefreshToken(later.token)))?.family.revokedAt).toBeNull();
    expect((await store().findRefreshToken(hashRefreshToken(others.token)))?.family.revokedAt).toBeNull();
  });

  it('deleting the user deletes their families; pruning drops expired and long-revoked ones', async () => {
    const user = makeUser();
    await store().insertUser(user);
    const gone = await start(user.id);
    await store().deleteUser(user.id);
    expect(await store().findRefreshToken(hashRefreshToken(gone.token))).toBeUndefined();

    const kept = makeUser();
    await store().insertUser(kept);
    const old = await start(kept.id, at(0));
    const revoked = await start(kept.id, at(50));
    const fresh = await start(kept.id, at(50));
    await store().transaction((tx) => revokeRefreshFamilies(tx, [revoked.familyId], at(60)));
    expect(await store().pruneRefreshFamilies(at(10), at(70))).toBe(2);
    expect(await store().findRefreshToken(hashRefreshToken(old.token))).toBeUndefined();
    expect(await store().findRefreshToken(hashRefreshToken(revoked.token))).toBeUndefined();
    expect(await store().findRefreshToken(hashRefreshToken(fresh.token))).toBeDefined();
  });
});
