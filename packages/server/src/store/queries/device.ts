/** Queries of the device authorization grant (RFC 8628): store/migrations/0006-device.ts. */
import type {
  DeviceAuthorization,
  DeviceAuthorizationStatus,
  DeviceQueries,
} from '../../core/oauth/device/ports.js';
import { mapErrors } from '../errors.js';
import type { StoreDialect } from '../schema.js';
import type { DeviceAuthorizationsTable } from '../tables/device.js';
import { changed, type Db, fromMillis, fromMillisOrNull, toMillis, toMillisOrNull } from './shared.js';

export function deviceQueries(db: Db, _dialect: StoreDialect): DeviceQueries {
  const select = () => db.selectFrom('device_authorizations').selectAll();
  return {
    insertDeviceAuthorization: (authorization) =>
      mapErrors(async () => {
        await db.insertInto('device_authorizations').values(toRow(authorization)).execute();
      }),

    async getDeviceAuthorizationByDeviceCode(deviceCodeHash) {
      const row = await select().where('device_code_hash', '=', deviceCodeHash).executeTakeFirst();
      return row && fromRow(row);
    },

    async getDeviceAuthorizationByUserCode(userCodeHash) {
      const row = await select().where('user_code_hash', '=', userCodeHash).executeTakeFirst();
      return row && fromRow(row);
    },

    async recordDevicePoll(id, previous, at, intervalMs) {
      let query = db
        .updateTable('device_authorizations')
        .set({ last_polled_at: toMillis(at), interval_ms: intervalMs })
        .where('id', '=', id);
      query =
        previous === null
          ? query.where('last_polled_at', 'is', null)
          : query.where('last_polled_at', '=', toMillis(previous));
      return changed((await query.executeTakeFirst()).numUpdatedRows);
    },

    async decideDeviceAuthorization(id, decision) {
      const result = await db
        .updateTable('device_authorizations')
        .set({
          status: decision.status,
          user_id: decision.userId,
          auth_time: toMillis(decision.authTime),
          decided_at: toMillis(decision.at),
        })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .executeTakeFirst();
      return changed(result.numUpdatedRows);
    },

    async redeemDeviceAuthorization(id, at) {
      const result = await db
        .updateTable('device_authorizations')
        .set({ status: 'redeemed', decided_at: toMillis(at) })
        .where('id', '=', id)
        .where('status', '=', 'approved')
        .executeTakeFirst();
      return changed(result.numUpdatedRows);
    },

    async deleteExpiredDeviceAuthorizations(before) {
      const result = await db
        .deleteFrom('device_authorizations')
        .where('expires_at', '<', toMillis(before))
        .executeTakeFirst();
      return Number(result.numDeletedRows ?? 0n);
    },
  };
}

function toRow(a: DeviceAuthorization): DeviceAuthorizationsTable {
  return {
    id: a.id,
    device_code_hash: a.deviceCodeHash,
    user_code_hash: a.userCodeHash,
    client_id: a.clientId,
    audience: a.audience,
    scope: a.scope,
    status: a.status,
    user_id: a.userId,
    auth_time: toMillisOrNull(a.authTime),
    interval_ms: a.intervalMs,
    last_polled_at: toMillisOrNull(a.lastPolledAt),
    created_at: toMillis(a.createdAt),
    expires_at: toMillis(a.expiresAt),
    decided_at: toMillisOrNull(a.decidedAt),
  };
}

function fromRow(row: DeviceAuthorizationsTable): DeviceAuthorization {
  return {
    id: row.id,
    deviceCodeHash: row.device_code_hash,
    userCodeHash: row.user_code_hash,
    clientId: row.client_id,
    audience: row.audience,
    scope: row.scope,
    status: row.status as DeviceAuthorizationStatus,
    userId: row.user_id,
    authTime: fromMillisOrNull(row.auth_time),
    intervalMs: Number(row.interval_ms),
    lastPolledAt: fromMillisOrNull(row.last_polled_at),
    createdAt: fromMillis(row.created_at),
    expiresAt: fromMillis(row.expires_at),
    decidedAt: fromMillisOrNull(row.decided_at),
  };
}
