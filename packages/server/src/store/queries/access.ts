/**
 * Effective access: a user's (the one-user case of access-many.ts), a client's, and the catalog
 * verifiers resolve tokens against.
 */
import type { Queries } from '../../core/ports.js';
import { usersAccessOf } from './access-many.js';
import { type Db, sortedUnique } from './shared.js';

type AccessQueries = Pick<Queries, 'userAccess' | 'clientAccess' | 'accessCatalog'>;

export function accessQueries(db: Db): AccessQueries {
  return {
    // The one-user case of usersAccess (queries/access-many.ts), so the two never disagree.
    async userAccess(userId) {
      const access = (await usersAccessOf(db, [userId])).get(userId);
      if (!access) throw new TypeError('usersAccess returned no entry for a requested id');
      return access;
    },

    async clientAccess(clientId) {
      const rows = await db
        .selectFrom('client_roles as cr')
        .innerJoin('roles as r', 'r.id', 'cr.role_id')
        .leftJoin('role_permissions as rp', 'rp.role_id', 'r.id')
        .select(['r.name as name', 'rp.permission as permission'])
        .where('cr.client_id', '=', clientId)
        .execute();
      return { roles: sortedUnique(rows.map((row) => row.name)), permissions: permissionsOf(rows) };
    },

    async accessCatalog() {
      const roleRows = await db
        .selectFrom('roles as r')
        .leftJoin('role_permissions as rp', 'rp.role_id', 'r.id')
        .select(['r.id as id', 'r.name as name', 'r.version as version', 'rp.permission as permission'])
        .orderBy('r.name')
        .execute();
      const roles = new Map<string, { id: string; name: string; version: number; permissions: string[] }>();
      for (const row of roleRows) {
        let role = roles.get(row.id);
        if (!role) {
          role = { id: row.id, name: row.name, version: Number(row.version), permissions: [] };
          roles.set(row.id, role);
        }
        if (row.permission !== null) role.permissions.push(row.permission);
      }
      const bindingRows = await db
        .selectFrom('group_roles as gr')
        .innerJoin('groups as g', 'g.id', 'gr.group_id')
        .innerJoin('roles as r', 'r.id', 'gr.role_id')
        .select(['g.id as id', 'g.version as version', 'r.name as role'])
        .orderBy('g.id')
        .execute();
      const groups = new Map<string, { id: string; version: number; roles: string[] }>();
      for (const row of bindingRows) {
        let group = groups.get(row.id);
        if (!group) {
          group = { id: row.id, version: Number(row.version), roles: [] };
          groups.set(row.id, group);
        }
        group.roles.push(row.role);
      }
      const applications = await db
        .selectFrom('applications')
        .select(['audience', 'namespace'])
        .orderBy('audience')
        .execute();
      return {
        applications,
        roles: [...roles.values()].map((r) => ({ ...r, permissions: sortedUnique(r.permissions) })),
        groups: [...groups.values()].map((g) => ({ ...g, roles: sortedUnique(g.roles) })),
      };
    },
  };
}

const permissionsOf = (rows: readonly { permission: string | null }[]): string[] =>
  sortedUnique(rows.flatMap((row) => (row.permission === null ? [] : [row.permission])));
