/** Queries of refresh tokens (families, rotation). */

import type { RefreshFamily, RefreshQueries } from '../../core/oauth/refresh/ports.js';
import { SQLITE_BUSY, type SyncSqlite, syncSqlite } from '../dialects/sqlite.js';
import type { StoreDialect } from '../schema.js';
import type { RefreshFamiliesTable } from '../tables/refresh.js';
import { prepared } from './prepared.js';
import { chunks, type Db, fromMillis, fromMillisOrNull, toMillis } from './shared.js';

const familyOf = (row: RefreshFamiliesTable): RefreshFamily => ({
  id: row.id,
  userId: row.user_id,
  clientId: row.client_id,
  audience: row.audience,
  scope: row.scope,
  sessionId: row.session_id,
  authTime: fromMillis(row.auth_time),
  createdAt: fromMillis(row.created_at),
  currentHash: row.current_hash,
  previousHash: row.previous_hash,
  rotatedAt: fromMillisOrNull(row.rotated_at),
  revokedAt: fromMillisOrNull(row.revoked_at),
  revokedReason: row.revoked_reason,
});

const findFamily = prepared<'id'>((db, param) =>
  db.selectFrom('refresh_families').selectAll().where('id', '=', param('id')),
);

/** The rotation: one compare-and-set of one row (no index covers the columns it sets). */
const moveFamily = prepared<'newHash' | 'parent' | 'now' | 'id' | 'expected'>((db, param) =>
  db
    .updateTable('refresh_families')
    .set({
      current_hash: param('newHash'),
      previous_hash: param('parent'),
      rotated_at: param('now') as unknown as number,
    })
    .where('id', '=', param('id'))
    .where('current_hash', '=', param('expected'))
    .where('revoked_at', 'is', null),
);

/** A new family (every sign-in of a client registered for refresh tokens runs it). */
const insertFamily = prepared<
  'id' | 'userId' | 'clientId' | 'audience' | 'scope' | 'sessionId' | 'authTime' | 'createdAt' | 'currentHash'
>((db, param) =>
  db.insertInto('refresh_families').values({
    id: param('id'),
    user_id: param('userId'),
    client_id: param('clientId'),
    audience: param('audience'),
    scope: param('scope'),
    session_id: param('sessionId'),
    auth_time: param('authTime') as unknown as number,
    created_at: param('createdAt') as unknown as number,
    current_hash: param('currentHash'),
    previous_hash: null,
    rotated_at: null,
    revoked_at: null,
    revoked_reason: null,
  }),
);

const familyValues = (family: RefreshFamily) => ({
  id: family.id,
  userId: family.userId,
  clientId: family.clientId,
  audience: family.audience,
  scope: family.scope,
  sessionId: family.sessionId,
  authTime: toMillis(family.authTime),
  createdAt: toMillis(family.createdAt),
  currentHash: family.currentHash,
});

/**
 * Inserts a family inside a transaction already open on the synchronous SQLite path (the code
 * redemption's claim runs in the same one: queries/authorization.ts).
 */
export function insertRefreshFamilySync(db: Db, fast: SyncSqlite, family: RefreshFamily): void {
  const f = insertFamily.compile(db, 'sqlite', familyValues(family));
  fast.run(f.sql, f.params);
}

export function refreshQueries(db: Db, dialect: StoreDialect): RefreshQueries {
  // SQLite's root database runs the hot statements synchronously when its connection is idle.
  const fast = dialect === 'sqlite' ? syncSqlite(db) : undefined;
  return {
    async insertRefreshFamily(family) {
      if (fast?.idle) {
        const done = await fast.writeSoon(() => insertRefreshFamilySync(db, fast, family));
        if (done !== SQLITE_BUSY) return;
      }
      await insertFamily.execute(db, dialect, familyValues(family));
    },

    async getRefreshFamily(id) {
      if (fast?.idle) {
        const q = findFamily.compile(db, dialect, { id });
        const row = await fast.readSoon(() => fast.get(q.sql, q.params) as RefreshFamiliesTable | undefined);
        if (row !== SQLITE_BUSY) return row && familyOf(row);
      }
      const row = (await findFamily.execute(db, dialect, { id })).rows[0] as RefreshFamiliesTable | undefined;
      return row && familyOf(row);
    },

    async rotateRefreshToken(rotation) {
      const now = toMillis(rotation.now);
      const move = {
        newHash: rotation.newHash,
        parent: rotation.parentHash,
        now,
        id: rotation.familyId,
        expected: rotation.expectedCurrentHash,
      };
      if (fast?.idle) {
        const moved = await fast.writeSoon(() => {
          const m = moveFamily.compile(db, dialect, move);
          return fast.run(m.sql, m.params) === 1;
        });
        if (moved !== SQLITE_BUSY) return moved;
      }
      const moved = await moveFamily.execute(db, dialect, move);
      return (moved.numAffectedRows ?? 0n) === 1n;
    },

    async revokeRefreshFamilies(familyIds, now, reason) {
      let count = 0n;
      for (const ids of chunks([...new Set(familyIds)])) {
        const result = await db
          .updateTable('refresh_families')
          .set({ revoked_at: toMillis(now), revoked_reason: reason })
          .where('id', 'in', ids)
          .where('revoked_at', 'is', null)
          .executeTakeFirst();
        count += result.numUpdatedRows ?? 0n;
      }
      return Number(count);
    },

    async revokeUserRefreshFamilies(userId, before, now, reason) {
      const rows = await db
        .updateTable('refresh_families')
        .set({ revoked_at: toMillis(now), revoked_reason: reason })
        .where('user_id', '=', userId)
        .where('created_at', '<=', toMillis(before))
        .where('revoked_at', 'is', null)
        .returning('id')
        .execute();
      return rows.map((r) => r.id).sort();
    },

    async pruneRefreshFamilies(createdBefore, revokedBefore) {
      const result = await db
        .deleteFrom('refresh_families')
        .where((eb) =>
          eb.or([
            eb('created_at', '<', toMillis(createdBefore)),
            eb('revoked_at', '<', toMillis(revokedBefore)),
          ]),
        )
        .executeTakeFirst();
      return Number(result.numDeletedRows ?? 0n);
    },
  };
}
