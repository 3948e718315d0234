/**
 * The device authorization grant (RFC 8628): one row per device authorization request, keyed
 * by the hashes of its device code and user code (never the codes). Frozen once released, like 0001.
 */
import type { Kysely, Migration } from 'kysely';
import type { StoreDialect } from '../schema.js';

export function device(dialect: StoreDialect): Migration {
  const time = dialect === 'postgres' ? 'bigint' : 'integer';
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('device_authorizations')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('device_code_hash', 'text', (col) => col.notNull())
        .addColumn('user_code_hash', 'text', (col) => col.notNull())
        .addColumn('client_id', 'text', (col) => col.notNull().references('clients.id').onDelete('cascade'))
        .addColumn('audience', 'text', (col) => col.notNull())
        .addColumn('scope', 'text', (col) => col.notNull())
        .addColumn('status', 'text', (col) => col.notNull())
        .addColumn('user_id', 'text', (col) => col.references('users.id').onDelete('cascade'))
        .addColumn('auth_time', time)
        .addColumn('interval_ms', 'integer', (col) => col.notNull())
        .addColumn('last_polled_at', time)
        .addColumn('created_at', time, (col) => col.notNull())
        .addColumn('expires_at', time, (col) => col.notNull())
        .addColumn('decided_at', time)
        .execute();
      await db.schema
        .createIndex('device_authorizations_device_code_uq')
        .on('device_authorizations')
        .column('device_code_hash')
        .unique()
        .execute();
      await db.schema
        .createIndex('device_authorizations_user_code_uq')
        .on('device_authorizations')
        .column('user_code_hash')
        .unique()
        .execute();
      await db.schema
        .createIndex('device_authorizations_expires_idx')
        .on('device_authorizations')
        .column('expires_at')
        .execute();
      // Foreign keys are not indexed by themselves; deleting a client or user looks rows up here.
      await db.schema
        .createIndex('device_authorizations_client_idx')
        .on('device_authorizations')
        .column('client_id')
        .execute();
      await db.schema
        .createIndex('device_authorizations_user_idx')
        .on('device_authorizations')
        .column('user_id')
        .execute();
    },
  };
}
