import { type Selectable, sql } from 'kysely';
import type {
  ActorType,
  AuditEntry,
  EventType,
  LogEvent,
  NewAuditEntry,
  NewLogEvent,
} from '../../core/model.js';
import type { Queries } from '../../core/ports.js';
import { mapErrors } from '../errors.js';
import type { AuditLogTable, EventsTable, StoreDialect } from '../schema.js';
import { insertRows } from './insert-rows.js';
import { type Db, fromMillis, parseJson, toMillis } from './shared.js';

type JournalQueries = Pick<
  Queries,
  | 'lockJournal'
  | 'lastAudit'
  | 'insertAudit'
  | 'insertAudits'
  | 'listAudit'
  | 'insertEvent'
  | 'readEvents'
  | 'lastEventPosition'
  | 'eventPositionBefore'
  | 'pruneEvents'
>;

/** The PostgreSQL channel that wakes event-log followers on other connections (payload: schema). */
export const EVENTS_CHANNEL = 'tessera_events';

/** 'tess' in ASCII: the first key of the journal's advisory lock; the second is the schema. */
const JOURNAL_LOCK = 0x74657373;

export function journalQueries(db: Db, dialect: StoreDialect): JournalQueries {
  return {
    /**
     * Why this makes event positions commit-ordered: positions come from a counter that is
     * read when the row is inserted, but rows become visible when their transaction commits.
     * Two writers could take positions 7 and 8 and commit 8 first; a reader that saw 8 and
     * resumes "after 8" would never see 7. Holding one journal lock from before the insert
     * until commit means a transaction takes its positions only after every earlier journal
     * writer has committed (or rolled back), so positions are handed out in commit order.
     *
     * PostgreSQL: a transaction-scoped advisory lock, released by commit or rollback after the
     * commit is visible. Keyed by schema too, so deployments sharing a database in different
     * schemas do not wait on each other. SQLite: nothing to do; every store transaction starts
     * with BEGIN IMMEDIATE and so already holds the database's single write lock.
     */
    async lockJournal() {
      if (!db.isTransaction) throw new TypeError('lockJournal() must be called inside store.transaction()');
      if (dialect === 'postgres') {
        await sql`select pg_advisory_xact_lock(${sql.lit(JOURNAL_LOCK)}, hashtext(current_schema()))`.execute(
          db,
        );
      }
    },

    async lastAudit() {
      const row = await db
        .selectFrom('audit_log')
        .selectAll()
        .orderBy('seq', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row && auditFromRow(row);
    },

    insertAudit: (entry) =>
      mapErrors(async () => {
        const row = await db
          .insertInto('audit_log')
          .values(auditRow(entry))
          .returning('seq')
          .executeTakeFirstOrThrow();
        return { ...entry, seq: Number(row.seq) };
      }),

    insertAudits: (entries) =>
      mapErrors(async () => {
        // Rows get their seq in VALUES order (one statement, under the journal lock).
        await insertRows(db, 'audit_log', entries.map(auditRow));
      }),

    async listAudit({ limit, filter = {} }) {
      checkLimit(limit);
      let query = db.selectFrom('audit_log').selectAll().orderBy('seq').limit(limit);
      if (filter.afterSeq !== undefined) query = query.where('seq', '>', filter.afterSeq);
      if (filter.targetType !== undefined) query = query.where('target_type', '=', filter.targetType);
      if (filter.targetId !== undefined) query = query.where('target_id', '=', filter.targetId);
      if (filter.actorId !== undefined) query = query.where('actor_id', '=', filter.actorId);
      if (filter.action !== undefined) query = query.where('action', '=', filter.action);
      return (await query.execute()).map(auditFromRow);
    },

    async insertEvent(event, at) {
      const row = await db
        .insertInto('events')
        .values(eventRow(event, at))
        .returning('position')
        .executeTakeFirstOrThrow();
      if (dialect === 'postgres') {
        // Delivered at commit, to every listening connection; several in one transaction fold
        // into one. The payload names the schema so deployments sharing a database ignore each other.
        await sql`select pg_notify(${EVENTS_CHANNEL}, current_schema())`.execute(db);
      }
      return { ...event, position: Number(row.position), at: new Date(at.getTime()) };
    },

    async readEvents(after, limit) {
      checkLimit(limit);
      const rows = await db
        .selectFrom('events')
        .selectAll()
        .where('position', '>', after)
        .orderBy('position')
        .limit(limit)
        .execute();
      return rows.map(eventFromRow);
    },

    async lastEventPosition() {
      const row = await db
        .selectFrom('events')
        .select((eb) => eb.fn.max('position').as('last'))
        .executeTakeFirst();
      return Number(row?.last ?? 0);
    },

    async eventPositionBefore(at) {
      const row = await db
        .selectFrom('events')
        .select((eb) => eb.fn.max('position').as('last'))
        .where('at', '<', toMillis(at))
        .executeTakeFirst();
      if (row?.last !== null && row?.last !== undefined) return Number(row.last);
      // Nothing older is kept: start before the oldest retained event.
      const first = await db
        .selectFrom('events')
        .select((eb) => eb.fn.min('position').as('first'))
        .executeTakeFirst();
      return first?.first === null || first?.first === undefined ? 0 : Number(first.first) - 1;
    },

    async pruneEvents(before) {
      // The newest event always stays, even when old: it holds the high-water mark that
      // lastEventPosition() reports, so a reader starting "from now" never restarts at 0.
      const result = await db
        .deleteFrom('events')
        .where('at', '<', toMillis(before))
        .where('position', '<', (eb) =>
          eb.selectFrom('events').select((eb) => eb.fn.max('position').as('last')),
        )
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

function checkLimit(limit: number): void {
  if (!Number.isSafeInteger(limit) || limit < 1)
    throw new TypeError(`limit must be a positive integer, got ${limit}`);
}

/** The row of a new event (its position is the database's). */
export function eventRow(event: NewLogEvent, at: Date) {
  return {
    type: event.type,
    subject_type: event.subjectType,
    subject_id: event.subjectId,
    subject_version: event.subjectVersion,
    data: JSON.stringify(event.data),
    at: toMillis(at),
  };
}

function auditRow(entry: NewAuditEntry) {
  return {
    id: entry.id,
    at: toMillis(entry.at),
    actor_type: entry.actorType,
    actor_id: entry.actorId,
    action: entry.action,
    target_type: entry.targetType,
    target_id: entry.targetId,
    source_ip: entry.sourceIp,
    summary: JSON.stringify(entry.summary),
    prev_hash: entry.prevHash,
    hash: entry.hash,
  };
}

function auditFromRow(row: Selectable<AuditLogTable>): AuditEntry {
  return {
    seq: Number(row.seq),
    id: row.id,
    at: fromMillis(row.at),
    actorType: row.actor_type as ActorType,
    actorId: row.actor_id,
    action: row.action,
    targetType: row.target_type,
    targetId: row.target_id,
    sourceIp: row.source_ip,
    summary: parseJson<Record<string, unknown>>(row.summary),
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

function eventFromRow(row: Selectable<EventsTable>): LogEvent {
  return {
    position: Number(row.position),
    type: row.type as EventType,
    subjectType: row.subject_type as LogEvent['subjectType'],
    subjectId: row.subject_id,
    subjectVersion: row.subject_version,
    data: parseJson<Record<string, unknown>>(row.data),
    at: fromMillis(row.at),
  };
}
