/** accounts: passwords, invitations, sessions, login throttling. Frozen once released, like 0001. */
import type { Kysely, Migration } from 'kysely';
import type { StoreDialect } from '../schema.js';

export function accounts(_dialect: StoreDialect): Migration {
  return {
    async up(_db: Kysely<unknown>): Promise<void> {},
  };
}
