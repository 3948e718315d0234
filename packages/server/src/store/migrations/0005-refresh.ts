/**
 * Refresh tokens (issue 5): one row per family (a login's lineage of rotated tokens, with what
 * they share and which token is live) and one row per token, keyed by the token's SHA-256 so a
 * presented token is found by its primary key. A user's deletion takes their families with it.
 * A token row is written once (at issue) and never updated: rotation moves the family's
 * `current_hash`, so each rotation is one update and one insert.
 * Frozen once released, like 0001.
 */
import { type Kysely, type Migration, sql } from 'kysely';
import type { StoreDialect } from '../schema.js';

export function refresh(dialect: StoreDialect): Migration {
  const time = dialect === 'postgres' ? 'bigint' : 'integer';
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('refresh_families')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('user_id', 'text', (col) => col.notNull().references('users.id').onDelete('cascade'))
        .addColumn('client_id', 'text', (col) => col.notNull())
        .addColumn('audience', 'text', (col) => col.notNull())
        .addColumn('scope', 'text', (col) => col.notNull())
        .addColumn('session_id', 'text')
        .addColumn('auth_time', time, (col) => col.notNull())
        .addColumn('created_at', time, (col) => col.notNull())
        .addColumn('current_hash', 'text', (col) => col.notNull())
        .addColumn('rotated_at', time)
        .addColumn('revoked_at', time)
        .addColumn('revoked_reason', 'text')
        .execute();
      await db.schema
        .createIndex('refresh_families_user_idx')
        .on('refresh_families')
        .column('user_id')
        .execute();
      await db.schema
        .createIndex('refresh_families_client_idx')
        .on('refresh_families')
        .column('client_id')
        .execute();
      await db.schema
        .createIndex('refresh_families_created_idx')
        .on('refresh_families')
        .column('created_at')
        .execute();

      await db.schema
        .createTable('refresh_tokens')
        .addColumn('hash', 'text', (col) => col.primaryKey())
        .addColumn('family_id', 'text', (col) =>
          col.notNull().references('refresh_families.id').onDelete('cascade'),
        )
        .addColumn('parent_hash', 'text')
        .addColumn('issued_at', time, (col) => col.notNull())
        // SQLite: the hash is the table's key, not a second index beside a rowid (one page
        // fewer written per rotation).
        .$call((table) => (dialect === 'sqlite' ? table.modifyEnd(sql`without rowid`) : table))
        .execute();
      await db.schema
        .createIndex('refresh_tokens_family_idx')
        .on('refresh_tokens')
        .column('family_id')
        .execute();
    },
  };
}
