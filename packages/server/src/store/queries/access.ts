/**
 * Effective access in one statement each. For a user, one UNION reads, tagged by `kind`:
 * roles granted directly (`d`), roles bound to the user's groups (`g`), each with its
 * permissions, and the user's group names (`m`); the sets are assembled in memory.
 */
import { sql } from 'kysely';
import type { Queries } from '../../core/ports.js';
import { type Db, sortedUnique } from './shared.js';

type AccessQueries = Pick<Queries, 'userAccess' | 'clientAccess' | 'accessCatalog'>;

interface AccessRow {
  kind: string;
  name: string;
  permission: string | null;
  /** The group's id on `m` rows. */
  ref: string | null;
}

export function accessQueries(db: Db): AccessQueries {
  return {
    async userAccess(userId) {
      const direct = db
        .selectFrom('user_roles as ur')
        .innerJoin('roles as r', 'r.id', 'ur.role_id')
        .leftJoin('role_permissions as rp', 'rp.role_id', 'r.id')
        .select([
          sql<string>`'d'`.as('kind'),
          'r.name as name',
          'rp.permission as permission',
          sql<string | null>`null`.as('ref'),
        ])
        .where('ur.user_id', '=', userId);
      const viaGroups = db
        .selectFrom('group_members as gm')
        .innerJoin('group_roles as gr', 'gr.group_id', 'gm.group_id')
        .innerJoin('roles as r', 'r.id', 'gr.role_id')
        .leftJoin('role_permissions as rp', 'rp.role_id', 'r.id')
        .select([
          sql<string>`'g'`.as('kind'),
          'r.name as name',
          'rp.permission as permission',
          sql<string | null>`null`.as('ref'),
        ])
        .where('gm.user_id', '=', userId);
      const groups = db
        .selectFrom('group_members as gm')
        .innerJoin('groups as g', 'g.id', 'gm.group_id')
        .select([
          sql<string>`'m'`.as('kind'),
          'g.display_name as name',
          sql<string | null>`null`.as('permission'),
          'g.id as ref',
        ])
        .where('gm.user_id', '=', userId);
      const rows: AccessRow[] = await direct.union(viaGroups).union(groups).execute();

      const held = rows.filter((row) => row.kind !== 'm');
      return {
        roles: sortedUnique(held.map((row) => row.name)),
        permissions: permissionsOf(held),
        directRoles: sortedUnique(rows.filter((row) => row.kind === 'd').map((row) => row.name)),
        groups: sortedUnique(rows.filter((row) => row.kind === 'm').map((row) => row.name)),
        groupIds: sortedUnique(rows.flatMap((row) => (row.kind === 'm' && row.ref ? [row.ref] : []))),
      };
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
