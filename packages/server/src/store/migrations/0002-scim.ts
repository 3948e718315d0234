/**
 * SCIM 2.0 (issue 4): users gain the SCIM attributes the model does not map (`scim`, JSON), a
 * filter document (`filter_doc`, see ../filter-document.ts) and `display_name_lower`; group
 * members keep the label a SCIM client gave them (`display`); indexes
 * serve the filters an identity provider sends most (`userName`/`displayName` eq and sw).
 *
 * PostgreSQL compares text under the database's collation, whose order need not be code-point
 * order; prefix ranges (`sw`) and sorting therefore use COLLATE "C" there, and get indexes of
 * that collation. SQLite's BINARY collation is already code-point order.
 *
 * Frozen once released, like 0001: the backfill below carries its own copy of the lower-casing
 * rules for the attributes users had before this migration (name, displayName, emails).
 */
import { type Kysely, type Migration, sql } from 'kysely';
import type { StoreDialect } from '../schema.js';

export function scim(dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      // SQLite adds one column per ALTER TABLE.
      await db.schema
        .alterTable('users')
        .addColumn('scim', 'text', (col) => col.notNull().defaultTo('{}'))
        .execute();
      await db.schema
        .alterTable('users')
        .addColumn('filter_doc', 'text', (col) => col.notNull().defaultTo('{}'))
        .execute();
      await db.schema.alterTable('users').addColumn('display_name_lower', 'text').execute();
      await db.schema.alterTable('group_members').addColumn('display', 'text').execute();

      await backfill(db as Kysely<Pre0002>);

      if (dialect === 'postgres') {
        for (const [name, table, column] of [
          ['users_user_name_c_idx', 'users', 'user_name_lower'],
          ['users_display_name_c_idx', 'users', 'display_name_lower'],
          ['groups_display_name_c_idx', 'groups', 'display_name_lower'],
        ] as const) {
          await db.schema
            .createIndex(name)
            .on(table)
            .expression(sql`${sql.ref(column)} collate "C"`)
            .execute();
        }
      } else {
        await db.schema
          .createIndex('users_display_name_idx')
          .on('users')
          .column('display_name_lower')
          .execute();
      }
    },
  };
}

interface Pre0002 {
  users: {
    id: string;
    name: string;
    display_name: string | null;
    emails: string;
    filter_doc: string;
    display_name_lower: string | null;
  };
}

async function backfill(db: Kysely<Pre0002>): Promise<void> {
  for (let after = ''; ; ) {
    const rows = await db
      .selectFrom('users')
      .select(['id', 'name', 'display_name', 'emails'])
      .where('id', '>', after)
      .orderBy('id')
      .limit(500)
      .execute();
    for (const row of rows) {
      const document = lower({
        name: JSON.parse(row.name),
        displayName: row.display_name,
        emails: JSON.parse(row.emails),
      });
      await db
        .updateTable('users')
        .set({
          filter_doc: JSON.stringify(document ?? {}),
          display_name_lower: row.display_name === null ? null : row.display_name.toLowerCase(),
        })
        .where('id', '=', row.id)
        .execute();
    }
    const last = rows[rows.length - 1];
    if (last === undefined) return;
    after = last.id;
  }
}

/** Keys and strings lower-cased, empty values dropped (none of these attributes is caseExact). */
function lower(value: unknown): unknown {
  if (value === null || value === undefined || value === '') return undefined;
  if (typeof value === 'string') return value.toLowerCase();
  if (Array.isArray(value)) {
    const items = value.map(lower).filter((v) => v !== undefined);
    return items.length === 0 ? undefined : items;
  }
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const kept = lower(v);
      if (kept !== undefined) out[k.toLowerCase()] = kept;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  return value;
}
