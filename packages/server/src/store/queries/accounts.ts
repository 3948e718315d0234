/** Queries of accounts: passwords, invitations, sessions, login throttling. */
import type { AccountQueries } from '../../core/accounts/ports.js';
import type { StoreDialect } from '../schema.js';
import type { Db } from './shared.js';

export function accountsQueries(_db: Db, _dialect: StoreDialect): AccountQueries {
  return {};
}
