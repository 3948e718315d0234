/** Queries of authorization codes, consents and the OAuth client settings. */
import type { AuthorizationQueries } from '../../core/oauth/authorize/ports.js';
import type { StoreDialect } from '../schema.js';
import type { Db } from './shared.js';

export function authorizationQueries(_db: Db, _dialect: StoreDialect): AuthorizationQueries {
  return {};
}
