import { notFound, TesseraError } from '../errors.js';
import type { Actor, LogEvent } from '../model.js';
import { applyKeySteps, changeKeys, type KeyContext, keyEvent } from './apply.js';

/**
 * Withdraws a key at once (`tessera keys revoke <kid>`): it leaves the JWKS, so tokens it
 * signed stop verifying as soon as verifiers refresh. If it was the signing key, the schedule
 * picks or creates a replacement in the same transaction, so signing never stops.
 */
export async function revokeKey(ctx: KeyContext, actor: Actor, kid: string, now: Date): Promise<LogEvent[]> {
  return changeKeys(ctx, now, async (tx, keys) => {
    const before = keys.find((k) => k.kid === kid);
    if (!before) throw notFound('key', kid);
    if (before.revokedAt) throw new TesseraError('ERR_CONFLICT', `key ${kid} is already revoked`);
    const removeAt = new Date(now.getTime() + ctx.policy.maxTokenLifetimeMs + ctx.policy.retireGraceMs);
    const key = { ...before, revokedAt: now, retiredAt: before.retiredAt ?? now, removeAt };
    await tx.updateKey(key);
    const revoked = {
      actor,
      action: 'key.revoked',
      targetType: 'key',
      targetId: kid,
      summary: { kid, alg: key.alg },
      events: [keyEvent('key.revoked', key)],
    };
    const rest = keys.map((k) => (k.kid === kid ? key : k));
    return [revoked, ...(await applyKeySteps(ctx, tx, rest, now, actor, []))];
  });
}
