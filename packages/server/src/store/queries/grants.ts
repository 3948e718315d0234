/**
 * Role grants to users, groups and clients: three join tables with one shape, so one set of
 * functions parameterized by table. A grant to an unknown holder or role hits the foreign key
 * and surfaces as ERR_NOT_FOUND.
 */
import type { Queries } from '../../core/ports.js';
import { mapErrors } from '../errors.js';
import { withPermissions } from './roles.js';
import { changed, type Db } from './shared.js';

type GrantQueries = Pick<
  Queries,
  | 'grantUserRole'
  | 'revokeUserRole'
  | 'listUserRoles'
  | 'grantGroupRole'
  | 'revokeGroupRole'
  | 'listGroupRoles'
  | 'grantClientRole'
  | 'revokeClientRole'
  | 'listClientRoles'
>;

/**
 * The three tables share the shape `{ <holder>: text, role_id: text }`; Kysely cannot type a
 * column of a table chosen at run time, so queries below name them as `user_roles` for typing.
 */
const TABLES = {
  user: { table: 'user_roles', holder: 'user_id' },
  group: { table: 'group_roles', holder: 'group_id' },
  client: { table: 'client_roles', holder: 'client_id' },
} as const;

type Holder = keyof typeof TABLES;

export function grantQueries(db: Db): GrantQueries {
  const grant = (kind: Holder, holderId: string, roleId: string) =>
    mapErrors(async () => {
      const { table, holder } = TABLES[kind];
      const result = await db
        .insertInto(table as 'user_roles')
        .values({ [holder]: holderId, role_id: roleId } as { user_id: string; role_id: string })
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      return changed(result.numInsertedOrUpdatedRows);
    });

  const revoke = async (kind: Holder, holderId: string, roleId: string) => {
    const { table, holder } = TABLES[kind];
    const result = await db
      .deleteFrom(table as 'user_roles')
      .where(holder as 'user_id', '=', holderId)
      .where('role_id', '=', roleId)
      .executeTakeFirst();
    return changed(result.numDeletedRows);
  };

  const list = async (kind: Holder, holderId: string) => {
    const { table, holder } = TABLES[kind];
    const rows = await db
      .selectFrom('roles')
      .selectAll('roles')
      .where('roles.id', 'in', (eb) =>
        eb
          .selectFrom(table as 'user_roles')
          .select('role_id')
          .where(holder as 'user_id', '=', holderId),
      )
      .orderBy('roles.id')
      .execute();
    return withPermissions(db, rows);
  };

  return {
    grantUserRole: (userId, roleId) => grant('user', userId, roleId),
    revokeUserRole: (userId, roleId) => revoke('user', userId, roleId),
    listUserRoles: (userId) => list('user', userId),
    grantGroupRole: (groupId, roleId) => grant('group', groupId, roleId),
    revokeGroupRole: (groupId, roleId) => revoke('group', groupId, roleId),
    listGroupRoles: (groupId) => list('group', groupId),
    grantClientRole: (clientId, roleId) => grant('client', clientId, roleId),
    revokeClientRole: (clientId, roleId) => revoke('client', clientId, roleId),
    listClientRoles: (clientId) => list('client', clientId),
  };
}
