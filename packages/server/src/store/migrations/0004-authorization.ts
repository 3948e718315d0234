/**
 * Authorization codes, consents and the OAuth client settings (issue 5): clients gain their
 * type (confidential or public), token endpoint auth method, redirect URIs, first-party flag and
 * registered public keys. Existing clients become what they were: confidential, secret-based.
 * Then the tables of the authorization code flow: codes (by hash, single use), remembered
 * consents, and the used `jti`s of private_key_jwt client assertions (replay protection across
 * workers and instances). Frozen once released, like 0001.
 */
import { type Kysely, type Migration, sql } from 'kysely';
import type { StoreDialect } from '../schema.js';

export function authorization(dialect: StoreDialect): Migration {
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

      const time = dialect === 'postgres' ? 'bigint' : 'integer';
      await db.schema
        .createTable('authorization_codes')
        .addColumn('code_hash', 'text', (col) => col.primaryKey())
        .addColumn('client_id', 'text', (col) => col.notNull())
        .addColumn('redirect_uri', 'text', (col) => col.notNull())
        .addColumn('code_challenge', 'text', (col) => col.notNull())
        .addColumn('user_id', 'text', (col) => col.notNull().references('users.id').onDelete('cascade'))
        .addColumn('session_id', 'text')
        .addColumn('auth_time', time, (col) => col.notNull())
        .addColumn('nonce', 'text')
        .addColumn('scope', 'text', (col) => col.notNull())
        .addColumn('audience', 'text', (col) => col.notNull())
        .addColumn('created_at', time, (col) => col.notNull())
        .addColumn('expires_at', time, (col) => col.notNull())
        .addColumn('used_at', time)
        .addColumn('access_token_jti', 'text')
        .addColumn('access_token_expires_at', time)
        .addColumn('refresh_family_id', 'text')
        .execute();
      await db.schema
        .createIndex('authorization_codes_expires_idx')
        .on('authorization_codes')
        .column('expires_at')
        .execute();

      await db.schema
        .createTable('oauth_consents')
        .addColumn('user_id', 'text', (col) => col.notNull().references('users.id').onDelete('cascade'))
        .addColumn('client_id', 'text', (col) => col.notNull().references('clients.id').onDelete('cascade'))
        .addColumn('audience', 'text', (col) => col.notNull())
        .addColumn('scope', 'text', (col) => col.notNull())
        .addColumn('granted_at', time, (col) => col.notNull())
        .addPrimaryKeyConstraint('oauth_consents_pk', ['user_id', 'client_id', 'audience'])
        .execute();

      await db.schema
        .createTable('client_assertions')
        .addColumn('client_id', 'text', (col) => col.notNull())
        .addColumn('jti', 'text', (col) => col.notNull())
        .addColumn('expires_at', time, (col) => col.notNull())
        .addPrimaryKeyConstraint('client_assertions_pk', ['client_id', 'jti'])
        .execute();
      await db.schema
        .createIndex('client_assertions_expires_idx')
        .on('client_assertions')
        .column('expires_at')
        .execute();
    },
  };
}
