import { notFound } from '../../core/errors.js';
import type { Group } from '../../core/model.js';
import type { Queries } from '../../core/ports.js';
import { mapErrors } from '../errors.js';
import { afterId, fetchSize, toPage } from '../pagination.js';
import type { GroupsTable } from '../schema.js';
import { changed, chunks, type Db, fromMillis, toMillis } from './shared.js';

type GroupQueries = Pick<
  Queries,
  | 'insertGroup'
  | 'updateGroup'
  | 'deleteGroup'
  | 'getGroup'
  | 'getGroupByDisplayName'
  | 'listGroups'
  | 'bumpGroupVersion'
  | 'addGroupMembers'
  | 'removeGroupMembers'
  | 'listGroupMembers'
  | 'listUserGroups'
>;

export function groupQueries(db: Db): GroupQueries {
  return {
    insertGroup: (group) =>
      mapErrors(async () => {
        await db.insertInto('groups').values(toRow(group)).execute();
      }),

    updateGroup: (group, expectedVersion) =>
      mapErrors(async () => {
        const { id, ...row } = toRow(group);
        const result = await db
          .updateTable('groups')
          .set(row)
          .where('id', '=', id)
          .where('version', '=', expectedVersion)
          .executeTakeFirst();
        return changed(result.numUpdatedRows);
      }),

    async deleteGroup(id) {
      const result = await db.deleteFrom('groups').where('id', '=', id).executeTakeFirst();
      return changed(result.numDeletedRows);
    },

    async getGroup(id) {
      const row = await db.selectFrom('groups').selectAll().where('id', '=', id).executeTakeFirst();
      return row && fromRow(row);
    },

    async getGroupByDisplayName(displayName) {
      const row = await db
        .selectFrom('groups')
        .selectAll()
        .where('display_name_lower', '=', displayName.toLowerCase())
        .executeTakeFirst();
      return row && fromRow(row);
    },

    async listGroups(options) {
      const after = afterId(options);
      const filter = options.filter ?? {};
      let query = db.selectFrom('groups').selectAll().orderBy('id').limit(fetchSize(options));
      if (after !== undefined) query = query.where('id', '>', after);
      if (filter.displayName !== undefined) {
        query = query.where('display_name_lower', '=', filter.displayName.toLowerCase());
      }
      if (filter.externalId !== undefined) query = query.where('external_id', '=', filter.externalId);
      return toPage((await query.execute()).map(fromRow), options, (group) => group.id);
    },

    async bumpGroupVersion(groupId) {
      const row = await db
        .updateTable('groups')
        .set((eb) => ({ version: eb('version', '+', 1) }))
        .where('id', '=', groupId)
        .returning('version')
        .executeTakeFirst();
      return row?.version;
    },

    addGroupMembers: (groupId, userIds, displays) =>
      mapErrors(async () => {
        const wanted = [...new Set(userIds)];
        // Checked first so the error names the unknown user; the foreign key still guards
        // against a user deleted in between (mapped to ERR_NOT_FOUND as well).
        const known = new Set<string>();
        for (const ids of chunks(wanted)) {
          const rows = await db.selectFrom('users').select('id').where('id', 'in', ids).execute();
          for (const row of rows) known.add(row.id);
        }
        const unknown = wanted.find((id) => !known.has(id));
        if (unknown !== undefined) throw notFound('user', unknown);

        const added = new Set<string>();
        for (const ids of chunks(wanted)) {
          const rows = await db
            .insertInto('group_members')
            .values(
              ids.map((user_id) => ({ group_id: groupId, user_id, display: displays?.get(user_id) ?? null })),
            )
            .onConflict((oc) => oc.columns(['group_id', 'user_id']).doNothing())
            .returning('user_id')
            .execute();
          for (const row of rows) added.add(row.user_id);
        }
        return wanted.filter((id) => added.has(id));
      }),

    async removeGroupMembers(groupId, userIds) {
      const wanted = [...new Set(userIds)];
      const removed = new Set<string>();
      for (const ids of chunks(wanted)) {
        const rows = await db
          .deleteFrom('group_members')
          .where('group_id', '=', groupId)
          .where('user_id', 'in', ids)
          .returning('user_id')
          .execute();
        for (const row of rows) removed.add(row.user_id);
      }
      return wanted.filter((id) => removed.has(id));
    },

    async listGroupMembers(groupId, options) {
      const after = afterId(options);
      let query = db
        .selectFrom('group_members')
        .select('user_id')
        .where('group_id', '=', groupId)
        .orderBy('user_id')
        .limit(fetchSize(options));
      if (after !== undefined) query = query.where('user_id', '>', after);
      const ids = (await query.execute()).map((row) => row.user_id);
      return toPage(ids, options, (id) => id);
    },

    async listUserGroups(userId) {
      const rows = await db
        .selectFrom('groups')
        .innerJoin('group_members', 'group_members.group_id', 'groups.id')
        .selectAll('groups')
        .where('group_members.user_id', '=', userId)
        .orderBy('groups.id')
        .execute();
      return rows.map(fromRow);
    },
  };
}

function toRow(group: Group): GroupsTable {
  return {
    id: group.id,
    display_name: group.displayName,
    display_name_lower: group.displayName.toLowerCase(),
    external_id: group.externalId,
    version: group.version,
    created_at: toMillis(group.createdAt),
    updated_at: toMillis(group.updatedAt),
  };
}

export function fromRow(row: GroupsTable): Group {
  return {
    id: row.id,
    displayName: row.display_name,
    externalId: row.external_id,
    version: row.version,
    createdAt: fromMillis(row.created_at),
    updatedAt: fromMillis(row.updated_at),
  };
}
