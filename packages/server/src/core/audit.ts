import type { CoreContext } from './context.js';
import { auditHash } from './journal.js';
import type { AuditEntry } from './model.js';
import type { AuditFilter } from './ports.js';

export const listAudit = (
  ctx: CoreContext,
  options: { limit: number; filter?: AuditFilter },
): Promise<AuditEntry[]> => ctx.store.listAudit(options);

export interface AuditVerification {
  ok: boolean;
  rows: number;
  /** The first row that fails, and why. */
  failure?: { seq: number; reason: 'hash_mismatch' | 'chain_broken' };
  /** The newest row, to anchor outside the store. */
  head?: { seq: number; hash: string };
}

/**
 * Walks the whole chain: every row's hash must match its content and every row must name its
 * predecessor's hash, so an edited row fails its own hash and a deleted row breaks the chain at
 * its successor. (seq may have gaps: a PostgreSQL sequence value is spent by a rolled-back
 * transaction.) Deleting the newest rows is not detectable from the chain alone; `tessera
 * audit verify` prints the head hash so operators can anchor it elsewhere.
 */
export async function verifyAudit(ctx: CoreContext, pageSize = 1000): Promise<AuditVerification> {
  let previous: AuditEntry | undefined;
  let rows = 0;
  const done = () => ({
    ok: true,
    rows,
    ...(previous ? { head: { seq: previous.seq, hash: previous.hash } } : {}),
  });
  for (;;) {
    const page = await ctx.store.listAudit({ limit: pageSize, filter: { afterSeq: previous?.seq ?? 0 } });
    for (const row of page) {
      rows++;
      const { seq, hash, ...content } = row;
      if (row.prevHash !== (previous?.hash ?? ''))
        return { ok: false, rows, failure: { seq, reason: 'chain_broken' } };
      if (auditHash(content) !== hash) return { ok: false, rows, failure: { seq, reason: 'hash_mismatch' } };
      previous = row;
    }
    if (page.length < pageSize) return done();
  }
}
