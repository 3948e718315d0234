/**
 * Access changes of many users at once (a group gaining or losing thousands of members): one
 * statement to bump every `aver`, one to read every user's access, one to append every event —
 * instead of three round trips per user.
 */
import { sql } from 'kysely';
import type { LogEvent, NewLogEvent, UserAccess } from '../../core/model.js';
import type { Queries } from '../../core/ports.js';
import type { StoreDialect } from '../schema.js';
import { insertRows } from './insert-rows.js';
import { EVENTS_CHANNEL, eventRow } from './journal.js';
import { type Db, fromFlag, sortedUnique } from './shared.js';

type ManyQueries = Pick<Queries, 'bumpAvers' | 'usersAccess' | 'insertEvents'>;

/** Ids per statement: well under SQLite's 32,766 and PostgreSQL's 65,535 bound parameters. */
const CHUNK = 5000;

const chunks = <T>(items: readonly T[]): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
};

interface Row {
  user_id: string;
  kind: string;
  name: string;
  permission: string | null;
  ref: string | null;
}

export function accessManyQueries(db: Db, dialect: StoreDialect): ManyQueries {
  return {
    async bumpAvers(userIds) {
      const out = new Map<string, { aver: number; active: boolean }>();
      for (const ids of chunks([...new Set(userIds)])) {
        const rows = await db
          .updateTable('users')
          .set((eb) => ({ aver: eb('aver', '+', 1) }))
          .where('id', 'in', ids)
          .returning(['id', 'aver', 'active'])
          .execute();
        for (const row of rows) out.set(row.id, { aver: Number(row.aver), active: fromFlag(row.active) });
      }
      return out;
    },

    usersAccess: (userIds) => usersAccessOf(db, userIds),

    async insertEvents(events: readonly NewLogEvent[], at) {
      if (events.length === 0) return [];
      const rows = await insertRows(
        db,
        'events',
        events.map((event) => eventRow(event, at)),
        'position',
      );
      // Positions are handed out in VALUES order (under the journal lock, one statement after
      // another), but RETURNING promises no order (SQLite says so): pair them by sorting.
      const positions = rows.map((row) => Number(row.position)).sort((a, b) => a - b);
      const out: LogEvent[] = positions.map((position, i) => ({
        ...(events[i] as NewLogEvent),
        position,
        at: new Date(at.getTime()),
      }));
      if (dialect === 'postgres')
        await sql`select pg_notify(${EVENTS_CHANNEL}, current_schema())`.execute(db);
      return out;
    },
  };
}

/**
 * Effective access of many users in one statement per chunk: a UNION tagged by `kind` — roles
 * granted directly (`d`), roles of the users' groups (`g`), each with its permissions, and the
 * groups themselves (`m`) — assembled per user in memory.
 */
export async function usersAccessOf(db: Db, userIds: readonly string[]): Promise<Map<string, UserAccess>> {
  const out = new Map<string, UserAccess>();
  for (const ids of chunks([...new Set(userIds)])) {
    const direct = db
      .selectFrom('user_roles as ur')
      .innerJoin('roles as r', 'r.id', 'ur.role_id')
      .leftJoin('role_permissions as rp', 'rp.role_id', 'r.id')
      .select([
        'ur.user_id as user_id',
        sql<string>`'d'`.as('kind'),
        'r.name as name',
        'rp.permission as permission',
        sql<string | null>`null`.as('ref'),
      ])
      .where('ur.user_id', 'in', ids);
    const viaGroups = db
      .selectFrom('group_members as gm')
      .innerJoin('group_roles as gr', 'gr.group_id', 'gm.group_id')
      .innerJoin('roles as r', 'r.id', 'gr.role_id')
      .leftJoin('role_permissions as rp', 'rp.role_id', 'r.id')
      .select([
        'gm.user_id as user_id',
        sql<string>`'g'`.as('kind'),
        'r.name as name',
        'rp.permission as permission',
        sql<string | null>`null`.as('ref'),
      ])
      .where('gm.user_id', 'in', ids);
    const groups = db
      .selectFrom('group_members as gm')
      .innerJoin('groups as g', 'g.id', 'gm.group_id')
      .select([
        'gm.user_id as user_id',
        sql<string>`'m'`.as('kind'),
        'g.display_name as name',
        sql<string | null>`null`.as('permission'),
        'g.id as ref',
      ])
      .where('gm.user_id', 'in', ids);
    const rows: Row[] = await direct.union(viaGroups).union(groups).execute();
    const byUser = new Map<string, Row[]>();
    for (const row of rows) {
      const list = byUser.get(row.user_id);
      if (list) list.push(row);
      else byUser.set(row.user_id, [row]);
    }
    for (const id of ids) {
      const mine = byUser.get(id) ?? [];
      const held = mine.filter((row) => row.kind !== 'm');
      out.set(id, {
        roles: sortedUnique(held.map((row) => row.name)),
        permissions: sortedUnique(held.flatMap((row) => (row.permission === null ? [] : [row.permission]))),
        directRoles: sortedUnique(mine.filter((row) => row.kind === 'd').map((row) => row.name)),
        groups: sortedUnique(mine.filter((row) => row.kind === 'm').map((row) => row.name)),
        groupIds: sortedUnique(mine.flatMap((row) => (row.kind === 'm' && row.ref ? [row.ref] : []))),
      });
    }
  }
  return out;
}
