/** Queries of device authorization grant (RFC 8628). */
import type { DeviceQueries } from '../../core/oauth/device/ports.js';
import type { StoreDialect } from '../schema.js';
import type { Db } from './shared.js';

export function deviceQueries(_db: Db, _dialect: StoreDialect): DeviceQueries {
  return {};
}
