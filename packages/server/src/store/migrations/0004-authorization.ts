/**
 * Authorization codes, consents and the OAuth client settings (issue 5): clients gain their
 * type (confidential or public), token endpoint auth method, redirect URIs, first-party flag and
 * registered public keys. Existing clients become what they were: confidential, secret-based.
 * Frozen once released, like 0001.
 */
import { type Kysely, type Migration, sql } from 'kysely';
import type { StoreDialect } from '../schema.js';

export function authorization(_dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      // SQLite adds one column per ALTER TABLE.
      const columns = [
        ['type', 'text', "'confidential'"],
        ['token_endpoint_auth_method', 'text', "'client_secret_basic'"],
        ['redirect_uris', 'text', "'[]'"],
        ['post_logout_redirect_uris', 'text', "'[]'"],
        ['first_party', 'integer', '0'],
      ] as const;
      for (const [name, type, fallback] of columns) {
        await db.schema
          .alterTable('clients')
          .addColumn(name, type, (col) => col.notNull().defaultTo(sql.raw(fallback)))
          .execute();
      }
      await db.schema.alterTable('clients').addColumn('jwks', 'text').execute();
    },
  };
}
