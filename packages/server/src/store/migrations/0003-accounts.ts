/**
 * accounts: passwords, one-time links (invitations, resets), page sessions, login throttling.
 * Every secret is stored as a hash. Rows of a user go with the user (ON DELETE CASCADE).
 * Frozen once released, like 0001.
 */
import type { Kysely, Migration } from 'kysely';
import type { StoreDialect } from '../schema.js';

export function accounts(dialect: StoreDialect): Migration {
  const time = dialect === 'postgres' ? 'bigint' : 'integer';
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('account_passwords')
        .addColumn('user_id', 'text', (col) => col.primaryKey().references('users.id').onDelete('cascade'))
        .addColumn('hash', 'text', (col) => col.notNull())
        .addColumn('updated_at', time, (col) => col.notNull())
        .execute();

      await db.schema
        .createTable('account_links')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('user_id', 'text', (col) => col.notNull().references('users.id').onDelete('cascade'))
        .addColumn('purpose', 'text', (col) => col.notNull())
        .addColumn('code_hash', 'text', (col) => col.notNull())
        .addColumn('created_at', time, (col) => col.notNull())
        .addColumn('expires_at', time, (col) => col.notNull())
        .addColumn('used_at', time)
        .execute();
      await db.schema
        .createIndex('account_links_code_uq')
        .on('account_links')
        .column('code_hash')
        .unique()
        .execute();
      await db.schema
        .createIndex('account_links_user_idx')
        .on('account_links')
        .columns(['user_id', 'purpose'])
        .execute();

      await db.schema
        .createTable('account_sessions')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('token_hash', 'text', (col) => col.notNull())
        .addColumn('user_id', 'text', (col) => col.notNull().references('users.id').onDelete('cascade'))
        .addColumn('created_at', time, (col) => col.notNull())
        .addColumn('last_seen_at', time, (col) => col.notNull())
        .addColumn('expires_at', time, (col) => col.notNull())
        .execute();
      await db.schema
        .createIndex('account_sessions_token_uq')
        .on('account_sessions')
        .column('token_hash')
        .unique()
        .execute();
      await db.schema
        .createIndex('account_sessions_user_idx')
        .on('account_sessions')
        .column('user_id')
        .execute();

      await db.schema
        .createTable('login_throttles')
        .addColumn('key', 'text', (col) => col.primaryKey())
        .addColumn('failures', 'integer', (col) => col.notNull())
        .addColumn('locks', 'integer', (col) => col.notNull())
        .addColumn('locked_until', time)
        .addColumn('updated_at', time, (col) => col.notNull())
        .execute();
    },
  };
}
