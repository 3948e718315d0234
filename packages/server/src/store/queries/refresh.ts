/** Queries of refresh tokens (families, rotation). */
import type { RefreshQueries } from '../../core/oauth/refresh/ports.js';
import type { StoreDialect } from '../schema.js';
import type { Db } from './shared.js';

export function refreshQueries(_db: Db, _dialect: StoreDialect): RefreshQueries {
  return {};
}
