import type { Email, PersonName, ScimAttributes, User } from '../../core/model.js';
import type { Queries } from '../../core/ports.js';
import { mapErrors } from '../errors.js';
import { filterDocument } from '../filter-document.js';
import { afterId, fetchSize, toPage } from '../pagination.js';
import type { UsersTable } from '../schema.js';
import { insertRows } from './insert-rows.js';
import {
  atomic,
  changed,
  chunks,
  type Db,
  fromFlag,
  fromMillis,
  parseJson,
  sortedUnique,
  toFlag,
  toMillis,
} from './shared.js';

type UserQueries = Pick<
  Queries,
  | 'insertUser'
  | 'insertUsers'
  | 'takenUserNames'
  | 'updateUser'
  | 'deleteUser'
  | 'getUser'
  | 'getUserByUserName'
  | 'listUsers'
  | 'bumpAver'
>;

export function userQueries(db: Db): UserQueries {
  return {
    insertUser: (user) =>
      mapErrors(() =>
        atomic(db, async (db) => {
          await db.insertInto('users').values(toRow(user)).execute();
          await writeEmails(db, user);
        }),
      ),

    insertUsers: (users) =>
      mapErrors(() =>
        atomic(db, async (db) => {
          // Multi-row INSERTs: a SCIM Bulk request creates up to 1,000 users in one go.
          await insertRows(db, 'users', users.map(toRow) as unknown as Record<string, unknown>[]);
          await insertRows(db, 'user_emails', users.flatMap(emailRows));
        }),
      ),

    async takenUserNames(userNames) {
      const taken = new Set<string>();
      for (const part of chunks(sortedUnique(userNames.map((name) => name.toLowerCase())))) {
        const rows = await db
          .selectFrom('users')
          .select('user_name_lower')
          .where('user_name_lower', 'in', part)
          .execute();
        for (const row of rows) taken.add(row.user_name_lower);
      }
      return taken;
    },

    updateUser: (user, expectedVersion) =>
      mapErrors(() =>
        atomic(db, async (db) => {
          // aver changes only through bumpAver: writing it from a record read earlier could
          // undo a concurrent bump on another connection (the version check would not see it).
          const { id, aver: _aver, ...row } = toRow(user);
          const result = await db
            .updateTable('users')
            .set(row)
            .where('id', '=', id)
            .where('version', '=', expectedVersion)
            .executeTakeFirst();
          if (!changed(result.numUpdatedRows)) return false;
          await db.deleteFrom('user_emails').where('user_id', '=', id).execute();
          await writeEmails(db, user);
          return true;
        }),
      ),

    async deleteUser(id) {
      const result = await db.deleteFrom('users').where('id', '=', id).executeTakeFirst();
      return changed(result.numDeletedRows);
    },

    async getUser(id) {
      const row = await db.selectFrom('users').select(USER_COLUMNS).where('id', '=', id).executeTakeFirst();
      return row && fromRow(row);
    },

    async getUserByUserName(userName) {
      const row = await db
        .selectFrom('users')
        .select(USER_COLUMNS)
        .where('user_name_lower', '=', userName.toLowerCase())
        .executeTakeFirst();
      return row && fromRow(row);
    },

    async listUsers(options) {
      const after = afterId(options);
      const filter = options.filter ?? {};
      let query = db.selectFrom('users').select(USER_COLUMNS).orderBy('id').limit(fetchSize(options));
      if (after !== undefined) query = query.where('id', '>', after);
      if (filter.userName !== undefined)
        query = query.where('user_name_lower', '=', filter.userName.toLowerCase());
      if (filter.externalId !== undefined) query = query.where('external_id', '=', filter.externalId);
      if (filter.active !== undefined) query = query.where('active', '=', toFlag(filter.active));
      if (filter.email !== undefined) {
        const email = filter.email.toLowerCase();
        query = query.where('id', 'in', (eb) =>
          eb.selectFrom('user_emails').select('user_id').where('value_lower', '=', email),
        );
      }
      return toPage((await query.execute()).map(fromRow), options, (user) => user.id);
    },

    async bumpAver(userId) {
      const row = await db
        .updateTable('users')
        .set((eb) => ({ aver: eb('aver', '+', 1) }))
        .where('id', '=', userId)
        .returning('aver')
        .executeTakeFirst();
      return row?.aver;
    },
  };
}

async function writeEmails(db: Db, user: User): Promise<void> {
  const rows = emailRows(user);
  if (rows.length === 0) return;
  await db.insertInto('user_emails').values(rows).execute();
}

const emailRows = (user: User) =>
  [...new Set(user.emails.map((email) => email.value.toLowerCase()))].map((value_lower) => ({
    user_id: user.id,
    value_lower,
  }));

function toRow(user: User): UsersTable {
  return {
    id: user.id,
    user_name: user.userName,
    user_name_lower: user.userName.toLowerCase(),
    external_id: user.externalId,
    name: JSON.stringify(user.name),
    display_name: user.displayName,
    emails: JSON.stringify(user.emails),
    active: toFlag(user.active),
    aver: user.aver,
    version: user.version,
    created_at: toMillis(user.createdAt),
    updated_at: toMillis(user.updatedAt),
    scim: JSON.stringify(user.scim ?? {}),
    filter_doc: filterDocument(user),
    display_name_lower: user.displayName === null ? null : user.displayName.toLowerCase(),
  };
}

/** Every column a User is read from (not the derived filter columns). */
export const USER_COLUMNS = [
  'id',
  'user_name',
  'user_name_lower',
  'external_id',
  'name',
  'display_name',
  'emails',
  'active',
  'aver',
  'version',
  'created_at',
  'updated_at',
  'scim',
] as const;

export type UserRow = Pick<UsersTable, (typeof USER_COLUMNS)[number]>;

export function fromRow(row: UserRow): User {
  const scim = parseJson<ScimAttributes>(row.scim);
  return {
    id: row.id,
    userName: row.user_name,
    externalId: row.external_id,
    name: parseJson<PersonName>(row.name),
    displayName: row.display_name,
    emails: parseJson<Email[]>(row.emails),
    active: fromFlag(row.active),
    aver: row.aver,
    version: row.version,
    createdAt: fromMillis(row.created_at),
    updatedAt: fromMillis(row.updated_at),
    ...(Object.keys(scim).length === 0 ? {} : { scim }),
  };
}
