/** Queries of refresh tokens (families, rotation). */

import type {
  RefreshFamily,
  RefreshQueries,
  RefreshTokenRecord,
  RefreshTokenRow,
} from '../../core/oauth/refresh/ports.js';
import { SQLITE_BUSY, type SyncSqlite, syncSqlite } from '../dialects/sqlite.js';
import type { StoreDialect } from '../schema.js';
import type { RefreshFamiliesTable, RefreshTokensTable } from '../tables/refresh.js';
import { prepared } from './prepared.js';
import { atomic, chunks, type Db, fromMillis, fromMillisOrNull, toMillis } from './shared.js';

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
  rotatedAt: fromMillisOrNull(row.rotated_at),
  revokedAt: fromMillisOrNull(row.revoked_at),
  revokedReason: row.revoked_reason,
});

const tokenOf = (row: RefreshTokensTable): RefreshTokenRow => ({
  hash: row.hash,
  familyId: row.family_id,
  parentHash: row.parent_hash,
  issuedAt: fromMillis(row.issued_at),
});

const findToken = prepared<'hash'>((db, param) =>
  db
    .selectFrom('refresh_tokens as t')
    .innerJoin('refresh_families as f', 'f.id', 't.family_id')
    .select([
      't.hash',
      't.family_id',
      't.parent_hash',
      't.issued_at',
      'f.id',
      'f.user_id',
      'f.client_id',
      'f.audience',
      'f.scope',
      'f.session_id',
      'f.auth_time',
      'f.created_at',
      'f.current_hash',
      'f.rotated_at',
      'f.revoked_at',
      'f.revoked_reason',
    ])
    .where('t.hash', '=', param('hash')),
);

const moveFamily = prepared<'newHash' | 'now' | 'id' | 'expected'>((db, param) =>
  db
    .updateTable('refresh_families')
    .set({ current_hash: param('newHash'), rotated_at: param('now') as unknown as number })
    .where('id', '=', param('id'))
    .where('current_hash', '=', param('expected'))
    .where('revoked_at', 'is', null),
);

const insertToken = prepared<'hash' | 'familyId' | 'parent' | 'now'>((db, param) =>
  db.insertInto('refresh_tokens').values({
    hash: param('hash'),
    family_id: param('familyId'),
    parent_hash: param('parent'),
    issued_at: param('now') as unknown as number,
  }),
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
    rotated_at: null,
    revoked_at: null,
    revoked_reason: null,
  }),
);

type JoinedRow = RefreshTokensTable & RefreshFamiliesTable;

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

const firstTokenValues = (family: RefreshFamily) => ({
  hash: family.currentHash,
  familyId: family.id,
  parent: null,
  now: toMillis(family.createdAt),
});

/**
 * Inserts a family and its first token inside a transaction already open on the synchronous
 * SQLite path (the code redemption's claim runs in the same one: queries/authorization.ts).
 */
export function insertRefreshFamilySync(db: Db, fast: SyncSqlite, family: RefreshFamily): void {
  const f = insertFamily.compile(db, 'sqlite', familyValues(family));
  fast.run(f.sql, f.params);
  const t = insertToken.compile(db, 'sqlite', firstTokenValues(family));
  fast.run(t.sql, t.params);
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
      await atomic(db, async (db) => {
        await insertFamily.execute(db, dialect, familyValues(family));
        await insertToken.execute(db, dialect, firstTokenValues(family));
      });
    },

    async findRefreshToken(hash) {
      let row: JoinedRow | undefined;
      if (fast?.idle) {
        const q = findToken.compile(db, dialect, { hash });
        row = fast.get(q.sql, q.params) as JoinedRow | undefined;
      } else {
        row = (await findToken.execute(db, dialect, { hash })).rows[0] as JoinedRow | undefined;
      }
      if (!row) return undefined;
      const record: RefreshTokenRecord = {
        ...tokenOf(row),
        family: familyOf(row),
      };
      return record;
    },

    async getRefreshTokenRow(hash) {
      const row = await db
        .selectFrom('refresh_tokens')
        .selectAll()
        .where('hash', '=', hash)
        .executeTakeFirst();
      return row && tokenOf(row);
    },

    async rotateRefreshToken(rotation) {
      const now = toMillis(rotation.now);
      const move = {
        newHash: rotation.newHash,
        now,
        id: rotation.familyId,
        expected: rotation.expectedCurrentHash,
      };
      const token = { hash: rotation.newHash, familyId: rotation.familyId, parent: rotation.parentHash, now };
      if (fast?.idle) {
        // The same compare-and-set and insert, in one synchronous transaction.
        const moved = await fast.writeSoon(() => {
          const m = moveFamily.compile(db, dialect, move);
          if (fast.run(m.sql, m.params) === 0) return false;
          const t = insertToken.compile(db, dialect, token);
          fast.run(t.sql, t.params);
          return true;
        });
        if (moved !== SQLITE_BUSY) return moved;
      }
      return atomic(db, async (db) => {
        const moved = await moveFamily.execute(db, dialect, move);
        if ((moved.numAffectedRows ?? 0n) === 0n) return false;
        await insertToken.execute(db, dialect, token);
        return true;
      });
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
