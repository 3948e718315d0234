/**
 * The first schema. Frozen once released: later changes go in new migrations.
 *
 * The dialects differ only in two column types: epoch-millisecond times are `bigint` in
 * PostgreSQL (SQLite's `integer` is already 64-bit), and the journal counters are identity
 * columns there and `integer primary key autoincrement` in SQLite. AUTOINCREMENT matters: a
 * plain rowid is reused after the highest row is deleted, so pruning the event log could hand
 * out a position a reader has already passed.
 */
import type { Kysely, Migration } from 'kysely';
import type { StoreDialect } from '../schema.js';

export function initial(dialect: StoreDialect): Migration {
  const time = dialect === 'postgres' ? 'bigint' : 'integer';

  return {
    async up(db: Kysely<unknown>): Promise<void> {
      const counter = (table: string, column: string) =>
        db.schema
          .createTable(table)
          .addColumn(column, dialect === 'postgres' ? 'bigint' : 'integer', (col) =>
            dialect === 'postgres'
              ? col.primaryKey().generatedAlwaysAsIdentity()
              : col.primaryKey().autoIncrement(),
          );

      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('user_name', 'text', (col) => col.notNull())
        .addColumn('user_name_lower', 'text', (col) => col.notNull())
        .addColumn('external_id', 'text')
        .addColumn('name', 'text', (col) => col.notNull())
        .addColumn('display_name', 'text')
        .addColumn('emails', 'text', (col) => col.notNull())
        .addColumn('active', 'integer', (col) => col.notNull())
        .addColumn('aver', 'integer', (col) => col.notNull())
        .addColumn('version', 'integer', (col) => col.notNull())
        .addColumn('created_at', time, (col) => col.notNull())
        .addColumn('updated_at', time, (col) => col.notNull())
        .execute();
      await db.schema
        .createIndex('users_user_name_uq')
        .on('users')
        .column('user_name_lower')
        .unique()
        .execute();
      await db.schema.createIndex('users_external_id_idx').on('users').column('external_id').execute();

      await db.schema
        .createTable('user_emails')
        .addColumn('user_id', 'text', (col) => col.notNull().references('users.id').onDelete('cascade'))
        .addColumn('value_lower', 'text', (col) => col.notNull())
        .addPrimaryKeyConstraint('user_emails_pk', ['user_id', 'value_lower'])
        .execute();
      await db.schema.createIndex('user_emails_value_idx').on('user_emails').column('value_lower').execute();

      await db.schema
        .createTable('groups')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('display_name', 'text', (col) => col.notNull())
        .addColumn('display_name_lower', 'text', (col) => col.notNull())
        .addColumn('external_id', 'text')
        .addColumn('version', 'integer', (col) => col.notNull())
        .addColumn('created_at', time, (col) => col.notNull())
        .addColumn('updated_at', time, (col) => col.notNull())
        .execute();
      await db.schema
        .createIndex('groups_display_name_uq')
        .on('groups')
        .column('display_name_lower')
        .unique()
        .execute();
      await db.schema.createIndex('groups_external_id_idx').on('groups').column('external_id').execute();

      await db.schema
        .createTable('group_members')
        .addColumn('group_id', 'text', (col) => col.notNull().references('groups.id').onDelete('cascade'))
        .addColumn('user_id', 'text', (col) => col.notNull().references('users.id').onDelete('cascade'))
        .addPrimaryKeyConstraint('group_members_pk', ['group_id', 'user_id'])
        .execute();
      await db.schema.createIndex('group_members_user_idx').on('group_members').column('user_id').execute();

      await db.schema
        .createTable('roles')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('name', 'text', (col) => col.notNull())
        .addColumn('description', 'text', (col) => col.notNull())
        .addColumn('version', 'integer', (col) => col.notNull())
        .addColumn('created_at', time, (col) => col.notNull())
        .addColumn('updated_at', time, (col) => col.notNull())
        .execute();
      await db.schema.createIndex('roles_name_uq').on('roles').column('name').unique().execute();

      await db.schema
        .createTable('role_permissions')
        .addColumn('role_id', 'text', (col) => col.notNull().references('roles.id').onDelete('cascade'))
        .addColumn('permission', 'text', (col) => col.notNull())
        .addPrimaryKeyConstraint('role_permissions_pk', ['role_id', 'permission'])
        .execute();

      await db.schema
        .createTable('clients')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('client_id', 'text', (col) => col.notNull())
        .addColumn('name', 'text', (col) => col.notNull())
        .addColumn('secret_hash', 'text', (col) => col.notNull())
        .addColumn('grant_types', 'text', (col) => col.notNull())
        .addColumn('default_audience', 'text')
        .addColumn('enabled', 'integer', (col) => col.notNull())
        .addColumn('version', 'integer', (col) => col.notNull())
        .addColumn('created_at', time, (col) => col.notNull())
        .addColumn('updated_at', time, (col) => col.notNull())
        .execute();
      await db.schema
        .createIndex('clients_client_id_uq')
        .on('clients')
        .column('client_id')
        .unique()
        .execute();

      for (const [table, holder, target] of [
        ['user_roles', 'user_id', 'users.id'],
        ['group_roles', 'group_id', 'groups.id'],
        ['client_roles', 'client_id', 'clients.id'],
      ] as const) {
        await db.schema
          .createTable(table)
          .addColumn(holder, 'text', (col) => col.notNull().references(target).onDelete('cascade'))
          .addColumn('role_id', 'text', (col) => col.notNull().references('roles.id').onDelete('cascade'))
          .addPrimaryKeyConstraint(`${table}_pk`, [holder, 'role_id'])
          .execute();
        await db.schema.createIndex(`${table}_role_idx`).on(table).column('role_id').execute();
      }

      await db.schema
        .createTable('applications')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('name', 'text', (col) => col.notNull())
        .addColumn('audience', 'text', (col) => col.notNull())
        .addColumn('namespace', 'text', (col) => col.notNull())
        .addColumn('version', 'integer', (col) => col.notNull())
        .addColumn('created_at', time, (col) => col.notNull())
        .addColumn('updated_at', time, (col) => col.notNull())
        .execute();
      for (const column of ['name', 'audience', 'namespace']) {
        await db.schema
          .createIndex(`applications_${column}_uq`)
          .on('applications')
          .column(column)
          .unique()
          .execute();
      }

      await db.schema
        .createTable('signing_keys')
        .addColumn('kid', 'text', (col) => col.primaryKey())
        .addColumn('alg', 'text', (col) => col.notNull())
        .addColumn('public_jwk', 'text', (col) => col.notNull())
        .addColumn('private_key_sealed', 'text', (col) => col.notNull())
        .addColumn('created_at', time, (col) => col.notNull())
        .addColumn('activate_at', time, (col) => col.notNull())
        .addColumn('retired_at', time)
        .addColumn('remove_at', time)
        .addColumn('revoked_at', time)
        .execute();

      await counter('audit_log', 'seq')
        .addColumn('id', 'text', (col) => col.notNull().unique())
        .addColumn('at', time, (col) => col.notNull())
        .addColumn('actor_type', 'text', (col) => col.notNull())
        .addColumn('actor_id', 'text', (col) => col.notNull())
        .addColumn('action', 'text', (col) => col.notNull())
        .addColumn('target_type', 'text', (col) => col.notNull())
        .addColumn('target_id', 'text')
        .addColumn('source_ip', 'text')
        .addColumn('summary', 'text', (col) => col.notNull())
        .addColumn('prev_hash', 'text', (col) => col.notNull())
        .addColumn('hash', 'text', (col) => col.notNull())
        .execute();
      await db.schema
        .createIndex('audit_log_target_idx')
        .on('audit_log')
        .columns(['target_type', 'target_id'])
        .execute();
      await db.schema.createIndex('audit_log_actor_idx').on('audit_log').column('actor_id').execute();

      await counter('events', 'position')
        .addColumn('type', 'text', (col) => col.notNull())
        .addColumn('subject_type', 'text', (col) => col.notNull())
        .addColumn('subject_id', 'text', (col) => col.notNull())
        .addColumn('subject_version', 'integer', (col) => col.notNull())
        .addColumn('data', 'text', (col) => col.notNull())
        .addColumn('at', time, (col) => col.notNull())
        .execute();
      await db.schema.createIndex('events_at_idx').on('events').column('at').execute();

      await db.schema
        .createTable('meta')
        .addColumn('key', 'text', (col) => col.primaryKey())
        .addColumn('value', 'text', (col) => col.notNull())
        .execute();
    },
  };
}
