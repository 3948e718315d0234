/**
 * Refresh-token families on both dialects: issue, find a presented token by the family it names,
 * rotate (compare-and-set on the family row), revoke; and migration 0007 retiring the families
 * of old-shape tokens.
 */
import { sql } from 'kysely';
import { afterEach, expect, it } from 'vitest';
import {
  hashRefreshToken,
  issueRefreshToken,
  presentRefreshToken,
  refreshTokenFamilyId,
  revokeRefreshFamilies,
} from '../../src/core/oauth/refresh/tokens.js';
import { openStore } from '../../src/store/open.js';
import { migratedTo } from '../support/migrated-to.js';
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
  const find = (token: string) => presentRefreshToken(store(), token);

  it('stores only the hash; a token names its family and is found by it', async () => {
    const user = makeUser();
    await store().insertUser(user);
    const { token, familyId } = await start(user.id);
    expect(token).toMatch(/^tsr_[A-Za-z0-9_-]{65}$/);
    expect(refreshTokenFamilyId(token)).toBe(familyId);
    expect(await find(token)).toEqual({
      hash: hashRefreshToken(token),
      standing: 'current',
      confirmed: true,
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
        previousHash: null,
        rotatedAt: null,
        revokedAt: null,
        revokedReason: null,
      },
    });
    // The same family id with another secret is the family's, but not its current token.
    const madeUp = `${token.slice(0, 26)}${'A'.repeat(43)}`;
    expect((await find(madeUp))?.standing).toBe('stale');
    expect(await find(`${token}x`)).toBeUndefined();
    expect(await find(`tsr_${'A'.repeat(65)}`)).toBeUndefined();
  });

  it('reads a family id only from its one encoding', () => {
    const id = '0192a3b4-c5d6-7e8f-9a0b-1c2d3e4f5a6b';
    const key = Buffer.from(id.replaceAll('-', ''), 'hex').toString('base64url');
    const secret = 'B'.repeat(43);
    expect(refreshTokenFamilyId(`tsr_${key}${secret}`)).toBe(id);
    // 22 characters hold 132 bits: the last one's low 4 bits must be zero.
    const stray = `${key.slice(0, 21)}${key.endsWith('r') ? 's' : 'r'}`;
    expect(refreshTokenFamilyId(`tsr_${stray}${secret}`)).toBeUndefined();
    expect(refreshTokenFamilyId(`tsr_${key}${secret.slice(1)}`)).toBeUndefined();
    expect(refreshTokenFamilyId(`tsx_${key}${secret}`)).toBeUndefined();
  });

  it('rotates only from the current token (compare-and-set), keeping the replaced one as previous', async () => {
    const user = makeUser();
    await store().insertUser(user);
    const { token, familyId } = await start(user.id);
    const first = hashRefreshToken(token);
    const rotation = { familyId, expectedCurrentHash: first, parentHash: first, now: at(10) };
    expect(await store().rotateRefreshToken({ ...rotation, newHash: 'second' })).toBe(true);
    expect(await store().rotateRefreshToken({ ...rotation, newHash: 'third' })).toBe(false);
    expect(await store().getRefreshFamily(familyId)).toMatchObject({
      currentHash: 'second',
      previousHash: first,
      rotatedAt: at(10),
    });
    expect((await find(token))?.standing).toBe('previous');
    // Grace-window shape: the parent is re-presented, superseding the unused successor; the
    // parent stays the previous token.
    expect(
      await store().rotateRefreshToken({
        familyId,
        expectedCurrentHash: 'second',
        parentHash: first,
        newHash: 'fourth',
        now: at(12),
      }),
    ).toBe(true);
    expect(await store().getRefreshFamily(familyId)).toMatchObject({
      currentHash: 'fourth',
      previousHash: first,
      rotatedAt: at(12),
    });
    expect(await store().getRefreshFamily('0192a3b4-c5d6-7e8f-9a0b-1c2d3e4f5a6b')).toBeUndefined();
  });

  it('revokes families once, and a revoked family no longer rotates', async () => {
    const user = makeUser();
    await store().insertUser(user);
    const a = await start(user.id);
    const b = await start(user.id);
    const n = await store().transaction((tx) => revokeRefreshFamilies(tx, [a.familyId, b.familyId], at(20)));
    expect(n).toBe(2);
    expect(await store().transaction((tx) => revokeRefreshFamilies(tx, [a.familyId], at(21)))).toBe(0);
    expect(await store().getRefreshFamily(a.familyId)).toMatchObject({
      revokedAt: at(20),
      revokedReason: 'revoked',
    });
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
    expect((await store().getRefreshFamily(later.familyId))?.revokedAt).toBeNull();
    expect((await store().getRefreshFamily(others.familyId))?.revokedAt).toBeNull();
  });

  it('deleting the user deletes their families; pruning drops expired and long-revoked ones', async () => {
    const user = makeUser();
    await store().insertUser(user);
    const gone = await start(user.id);
    await store().deleteUser(user.id);
    expect(await find(gone.token)).toBeUndefined();

    const kept = makeUser();
    await store().insertUser(kept);
    const old = await start(kept.id, at(0));
    const revoked = await start(kept.id, at(50));
    const fresh = await start(kept.id, at(50));
    await store().transaction((tx) => revokeRefreshFamilies(tx, [revoked.familyId], at(60)));
    expect(await store().pruneRefreshFamilies(at(10), at(70))).toBe(2);
    expect(await find(old.token)).toBeUndefined();
    expect(await find(revoked.token)).toBeUndefined();
    expect(await find(fresh.token)).toBeDefined();
  });
});

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describeDialects('migration 0007 (refresh tokens name their family)', (dialect) => {
  it('revokes the families whose tokens had the old shape, and keeps revoked ones as they were', async () => {
    const before = await migratedTo(dialect, '0006_device');
    cleanups.push(before.cleanup);
    const { db, options } = before;
    const user = makeUser();
    await sql`insert into users (id, user_name, user_name_lower, name, emails, active, aver, version, created_at, updated_at)
      values (${user.id}, ${user.userName}, ${user.userName.toLowerCase()}, ${'{}'}, ${'[]'}, ${1}, ${1}, ${1}, ${0}, ${0})`.execute(
      db,
    );
    for (const [id, revokedAt] of [
      ['0192a3b4-c5d6-7e8f-9a0b-000000000001', null],
      ['0192a3b4-c5d6-7e8f-9a0b-000000000002', 5],
    ] as const) {
      await sql`insert into refresh_families (id, user_id, client_id, audience, scope, auth_time, created_at, current_hash, revoked_at, revoked_reason)
        values (${id}, ${user.id}, ${'app'}, ${'https://api.example'}, ${''}, ${0}, ${0}, ${`hash-${id}`}, ${revokedAt}, ${revokedAt === null ? null : 'revoked'})`.execute(
        db,
      );
      await sql`insert into refresh_tokens (hash, family_id, parent_hash, issued_at) values (${`hash-${id}`}, ${id}, ${null}, ${0})`.execute(
        db,
      );
    }
    await db.destroy();

    const store = await openStore(options);
    cleanups.push(() => store.close());
    await store.migrate();
    // Only the indexes some query uses are left on refresh_families (besides its primary key).
    const check = await before.reopen();
    const indexes =
      dialect === 'sqlite'
        ? (
            await sql<{
              name: string;
            }>`select name from sqlite_master where type = 'index' and tbl_name = 'refresh_families' and name not like 'sqlite_autoindex%'`.execute(
              check,
            )
          ).rows
        : (
            await sql<{
              name: string;
            }>`select indexname as name from pg_indexes where tablename = 'refresh_families' and schemaname = current_schema() and indexname not like '%_pkey'`.execute(
              check,
            )
          ).rows;
    expect(indexes.map((r) => r.name)).toEqual(['refresh_families_user_idx']);
    const live = await store.getRefreshFamily('0192a3b4-c5d6-7e8f-9a0b-000000000001');
    expect(live).toMatchObject({ revokedReason: 'token_format', previousHash: null });
    expect(live?.revokedAt).not.toBeNull();
    expect(await store.getRefreshFamily('0192a3b4-c5d6-7e8f-9a0b-000000000002')).toMatchObject({
      revokedAt: new Date(5),
      revokedReason: 'revoked',
    });
  });
});
