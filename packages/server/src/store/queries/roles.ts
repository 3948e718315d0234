import type { Role } from '../../core/model.js';
import type { Queries } from '../../core/ports.js';
import { mapErrors } from '../errors.js';
import { afterId, fetchSize, toPage } from '../pagination.js';
import type { RolesTable } from '../schema.js';
import { atomic, changed, chunks, type Db, fromMillis, sortedUnique, toMillis } from './shared.js';

type RoleQueries = Pick<
  Queries,
  'insertRole' | 'updateRole' | 'deleteRole' | 'getRole' | 'getRoleByName' | 'listRoles'
>;

export function roleQueries(db: Db): RoleQueries {
  return {
    insertRole: (role) =>
      mapErrors(() =>
        atomic(db, async (db) => {
          await db.insertInto('roles').values(toRow(role)).execute();
          await writePermissions(db, role);
        }),
      ),

    updateRole: (role, expectedVersion) =>
      mapErrors(() =>
        atomic(db, async (db) => {
          const { id, created_at, ...row } = toRow(role);
          const result = await db
            .updateTable('roles')
            .set(row)
            .where('id', '=', id)
            .where('version', '=', expectedVersion)
            .executeTakeFirst();
          if (!changed(result.numUpdatedRows)) return false;
          await db.deleteFrom('role_permissions').where('role_id', '=', id).execute();
          await writePermissions(db, role);
          return true;
        }),
      ),

    async deleteRole(id) {
      const result = await db.deleteFrom('roles').where('id', '=', id).executeTakeFirst();
      return changed(result.numDeletedRows);
    },

    async getRole(id) {
      const rows = await db.selectFrom('roles').selectAll().where('id', '=', id).execute();
      return (await withPermissions(db, rows))[0];
    },

    async getRoleByName(name) {
      const rows = await db.selectFrom('roles').selectAll().where('name', '=', name).execute();
      return (await withPermissions(db, rows))[0];
    },

    async listRoles(options) {
      const after = afterId(options);
      let query = db.selectFrom('roles').selectAll().orderBy('id').limit(fetchSize(options));
      if (after !== undefined) query = query.where('id', '>', after);
      return toPage(await withPermissions(db, await query.execute()), options, (role) => role.id);
    },
  };
}

async function writePermissions(db: Db, role: Role): Promise<void> {
  const permissions = sortedUnique(role.permissions);
  for (const batch of chunks(permissions)) {
    await db
      .insertInto('role_permissions')
      .values(batch.map((permission) => ({ role_id: role.id, permission })))
      .execute();
  }
}

/** Role records for rows of `roles`, in the rows' order, with their permissions (one more query). */
export async function withPermissions(db: Db, rows: RolesTable[]): Promise<Role[]> {
  const permissions = new Map<string, string[]>(rows.map((row) => [row.id, []]));
  for (const ids of chunks([...permissions.keys()])) {
    const found = await db
      .selectFrom('role_permissions')
      .select(['role_id', 'permission'])
      .where('role_id', 'in', ids)
      .execute();
    for (const { role_id, permission } of found) permissions.get(role_id)?.push(permission);
  }
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    description: row.description,
    permissions: sortedUnique(permissions.get(row.id) ?? []),
    version: row.version,
    createdAt: fromMillis(row.created_at),
    updatedAt: fromMillis(row.updated_at),
  }));
}

function toRow(role: Role): RolesTable {
  return {
    id: role.id,
    name: role.name,
    description: role.description,
    version: role.version,
    created_at: toMillis(role.createdAt),
    updated_at: toMillis(role.updatedAt),
  };
}
