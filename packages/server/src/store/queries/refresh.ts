/** Queries of refresh tokens (families, rotation). */
import type {
  RefreshFamily,
  RefreshQueries,
  RefreshTokenRecord,
  RefreshTokenRow,
} from '../../core/oauth/refresh/ports.js';
import type { StoreDialect } from '../schema.js';
import type { RefreshFamiliesTable, RefreshTokensTable } from '../tables/refresh.js';
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
  rotatedAt: fromMillisOrNull(row.rotated_at),
});

export function refreshQueries(db: Db, _dialect: StoreDialect): RefreshQueries {
  return {
    insertRefreshFamily: (family) =>
      atomic(db, async (db) => {
        await db
          .insertInto('refresh_families')
          .values({
            id: family.id,
            user_id: family.userId,
            client_id: family.clientId,
            audience: family.audience,
            scope: family.scope,
            session_id: family.sessionId,
            auth_time: toMillis(family.authTime),
            created_at: toMillis(family.createdAt),
            current_hash: family.currentHash,
            rotated_at: null,
            revoked_at: null,
            revoked_reason: null,
          })
          .execute();
        await db
          .insertInto('refresh_tokens')
          .values({
            hash: family.currentHash,
            family_id: family.id,
            parent_hash: null,
            issued_at: toMillis(family.createdAt),
            rotated_at: null,
          })
          .execute();
      }),

    async findRefreshToken(hash) {
      const row = await db
        .selectFrom('refresh_tokens as t')
        .innerJoin('refresh_families as f', 'f.id', 't.family_id')
        .select([
          't.hash',
          't.family_id',
          't.parent_hash',
          't.issued_at',
          't.rotated_at as token_rotated_at',
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
        .where('t.hash', '=', hash)
        .executeTakeFirst();
      if (!row) return undefined;
      const record: RefreshTokenRecord = {
        ...tokenOf({ ...row, rotated_at: row.token_rotated_at }),
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

    rotateRefreshToken: (rotation) =>
      atomic(db, async (db) => {
        const now = toMillis(rotation.now);
        const moved = await db
          .updateTable('refresh_families')
          .set({ current_hash: rotation.newHash, rotated_at: now })
          .where('id', '=', rotation.familyId)
          .where('current_hash', '=', rotation.expectedCurrentHash)
          .where('revoked_at', 'is', null)
          .executeTakeFirst();
        if ((moved.numUpdatedRows ?? 0n) === 0n) return false;
        const replaced =
          rotation.parentHash === rotation.expectedCurrentHash
            ? [rotation.parentHash]
            : [rotation.parentHash, rotation.expectedCurrentHash];
        await db
          .updateTable('refresh_tokens')
          .set({ rotated_at: now })
          .where('hash', 'in', replaced)
          .where('rotated_at', 'is', null)
          .execute();
        await db
          .insertInto('refresh_tokens')
          .values({
            hash: rotation.newHash,
            family_id: rotation.familyId,
            parent_hash: rotation.parentHash,
            issued_at: now,
            rotated_at: null,
          })
          .execute();
        return true;
      }),

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
