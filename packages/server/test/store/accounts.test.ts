/** Account tables on both dialects: passwords, one-time links, sessions, login throttles, secrets. */
import { expect, it } from 'vitest';
import type { AccountLink, AccountSession } from '../../src/core/accounts/ports.js';
import { describeDialects, useTestStore } from '../support/stores.js';
import { at, makeUser } from './fixtures.js';

const link = (userId: string, overrides: Partial<AccountLink> = {}): AccountLink => ({
  id: `link-${Math.random()}`,
  userId,
  purpose: 'activate',
  codeHash: `hash-${Math.random()}`,
  createdAt: at(0),
  expiresAt: at(60_000),
  usedAt: null,
  ...overrides,
});

const session = (userId: string, overrides: Partial<AccountSession> = {}): AccountSession => ({
  id: `s-${Math.random()}`,
  tokenHash: `t-${Math.random()}`,
  userId,
  createdAt: at(0),
  lastSeenAt: at(0),
  expiresAt: at(3_600_000),
  ...overrides,
});

describeDialects('store: accounts', (dialect) => {
  const store = useTestStore(dialect);

  it('sets and replaces a password hash; deleting the user deletes it', async () => {
    const user = makeUser();
    await store().insertUser(user);
    expect(await store().getPasswordHash(user.id)).toBeUndefined();
    await store().setPasswordHash(user.id, '$scrypt$one', at(0));
    await store().setPasswordHash(user.id, '$scrypt$two', at(1));
    expect(await store().getPasswordHash(user.id)).toBe('$scrypt$two');
    await store().deleteUser(user.id);
    expect(await store().getPasswordHash(user.id)).toBeUndefined();
  });

  it('links: found by hash, used once (compare-and-set), older unused ones deleted per purpose', async () => {
    const user = makeUser();
    await store().insertUser(user);
    const a = link(user.id);
    const r = link(user.id, { purpose: 'reset' });
    await store().insertAccountLink(a);
    await store().insertAccountLink(r);
    expect(await store().getAccountLinkByHash(a.codeHash)).toEqual(a);
    expect(await store().useAccountLink(a.id, at(5))).toBe(true);
    expect(await store().useAccountLink(a.id, at(6))).toBe(false);
    expect((await store().getAccountLinkByHash(a.codeHash))?.usedAt).toEqual(at(5));
    const b = link(user.id);
    await store().insertAccountLink(b);
    // Only unused links of that purpose go: the used one stays (history), the reset link stays.
    expect(await store().deleteAccountLinks(user.id, 'activate')).toBe(1);
    expect(await store().getAccountLinkByHash(b.codeHash)).toBeUndefined();
    expect(await store().getAccountLinkByHash(a.codeHash)).toBeDefined();
    expect(await store().getAccountLinkByHash(r.codeHash)).toBeDefined();
    await expect(store().insertAccountLink({ ...link(user.id), codeHash: r.codeHash })).rejects.toMatchObject(
      {
        code: 'ERR_CONFLICT',
      },
    );
  });

  it('sessions: active only while the user is active; touch, delete, delete all but one, prune', async () => {
    const user = makeUser();
    await store().insertUser(user);
    const s1 = session(user.id);
    const s2 = session(user.id);
    const s3 = session(user.id, { lastSeenAt: at(-10_000) });
    for (const s of [s1, s2, s3]) await store().insertAccountSession(s);
    expect(await store().getActiveAccountSession(s1.tokenHash)).toEqual(s1);
    await store().touchAccountSession(s1.id, at(1000));
    expect((await store().getActiveAccountSession(s1.tokenHash))?.lastSeenAt).toEqual(at(1000));

    expect(
      await store().updateUser({ ...user, active: false, version: user.version + 1 }, user.version),
    ).toBe(true);
    expect(await store().getActiveAccountSession(s1.tokenHash)).toBeUndefined();
    expect(await store().updateUser({ ...user, version: user.version + 2 }, user.version + 1)).toBe(true);
    expect(await store().getActiveAccountSession(s1.tokenHash)).toBeDefined();

    expect(await store().pruneAccountSessions(at(0), at(-5_000))).toBe(1); // s3 idle
    expect(await store().deleteUserAccountSessions(user.id, s1.id)).toBe(1); // s2
    expect(await store().getActiveAccountSession(s2.tokenHash)).toBeUndefined();
    expect(await store().deleteAccountSession(s1.id)).toBe(true);
    expect(await store().deleteAccountSession(s1.id)).toBe(false);

    const s4 = session(user.id);
    await store().insertAccountSession(s4);
    await store().deleteUser(user.id);
    expect(await store().getActiveAccountSession(s4.tokenHash)).toBeUndefined();
  });

  it('login throttles: put, replace, read back, delete', async () => {
    expect(await store().getLoginThrottle('user:x')).toBeUndefined();
    await store().putLoginThrottle({
      key: 'user:x',
      failures: 4,
      locks: 0,
      lockedUntil: null,
      updatedAt: at(0),
    });
    await store().putLoginThrottle({
      key: 'user:x',
      failures: 0,
      locks: 1,
      lockedUntil: at(60_000),
      updatedAt: at(1),
    });
    expect(await store().getLoginThrottle('user:x')).toEqual({
      key: 'user:x',
      failures: 0,
      locks: 1,
      lockedUntil: at(60_000),
      updatedAt: at(1),
    });
    await store().deleteLoginThrottle('user:x');
    expect(await store().getLoginThrottle('user:x')).toBeUndefined();
  });

  it('account secrets: the first writer wins, for every later caller', async () => {
    const results = await Promise.all(['a', 'b', 'c'].map((v) => store().accountSecret('test', v)));
    expect(new Set(results).size).toBe(1);
    expect(await store().accountSecret('test', 'z')).toBe(results[0]);
  });
});
