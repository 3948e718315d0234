/**
 * Every change records what happened twice, in the change's own transaction: one audit row
 * (hash-chained, for people) and zero or more event-log rows (ordered, for verifiers).
 */
import { createHash } from 'node:crypto';
import { uuidv7 } from './ids.js';
import type { Actor, AuditEntry, LogEvent, NewAuditEntry, NewLogEvent } from './model.js';
import type { Tx } from './ports.js';

export interface Change {
  actor: Actor;
  /** Dotted verb, e.g. `user.created`, `role.granted`, `token.issued`. */
  action: string;
  targetType: string;
  targetId: string | null;
  /** What changed; never a secret. */
  summary?: Record<string, unknown>;
  events?: NewLogEvent[];
}

export interface Recorded {
  audit: AuditEntry;
  events: LogEvent[];
}

export async function record(tx: Tx, change: Change, at: Date): Promise<Recorded> {
  await tx.lockJournal();
  const previous = await tx.lastAudit();
  const entry: Omit<NewAuditEntry, 'hash'> = {
    id: uuidv7(at.getTime()),
    at,
    actorType: change.actor.type,
    actorId: change.actor.id,
    action: change.action,
    targetType: change.targetType,
    targetId: change.targetId,
    sourceIp: change.actor.sourceIp ?? null,
    summary: change.summary ?? {},
    prevHash: previous?.hash ?? '',
  };
  const audit = await tx.insertAudit({ ...entry, hash: auditHash(entry) });
  const pending = change.events ?? [];
  // One statement however many events (a group change can touch thousands of users).
  const events: LogEvent[] =
    pending.length === 0
      ? []
      : pending.length === 1
        ? [await tx.insertEvent(pending[0] as NewLogEvent, at)]
        : await tx.insertEvents(pending, at);
  return { audit, events };
}

/**
 * record() for many changes of one transaction: the same audit rows, chained in order, and the
 * same events, in order, but the previous hash is read once and the rows go in a few multi-row
 * statements (a SCIM Bulk request of 1,000 users is 1,000 changes).
 */
export async function recordAll(tx: Tx, changes: readonly Change[], at: Date): Promise<LogEvent[]> {
  if (changes.length === 0) return [];
  await tx.lockJournal();
  let prevHash = (await tx.lastAudit())?.hash ?? '';
  const entries: NewAuditEntry[] = [];
  for (const change of changes) {
    const entry: Omit<NewAuditEntry, 'hash'> = {
      id: uuidv7(at.getTime()),
      at,
      actorType: change.actor.type,
      actorId: change.actor.id,
      action: change.action,
      targetType: change.targetType,
      targetId: change.targetId,
      sourceIp: change.actor.sourceIp ?? null,
      summary: change.summary ?? {},
      prevHash,
    };
    prevHash = auditHash(entry);
    entries.push({ ...entry, hash: prevHash });
  }
  await tx.insertAudits(entries);
  const pending = changes.flatMap((change) => change.events ?? []);
  return pending.length === 0 ? [] : tx.insertEvents(pending, at);
}

/** SHA-256 (hex) over a canonical encoding of the row's content and the previous row's hash. */
export function auditHash(entry: Omit<NewAuditEntry, 'hash'>): string {
  const canonical = JSON.stringify([
    entry.id,
    entry.at.toISOString(),
    entry.actorType,
    entry.actorId,
    entry.action,
    entry.targetType,
    entry.targetId,
    entry.sourceIp,
    canonicalJson(entry.summary),
    entry.prevHash,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

/** JSON with object keys sorted at every depth, so a stored-and-reloaded summary hashes the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
