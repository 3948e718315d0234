/** device authorization grant (RFC 8628). Frozen once released, like 0001. */
import type { Kysely, Migration } from 'kysely';
import type { StoreDialect } from '../schema.js';

export function device(_dialect: StoreDialect): Migration {
  return {
    async up(_db: Kysely<unknown>): Promise<void> {},
  };
}
