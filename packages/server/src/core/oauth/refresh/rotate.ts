/**
 * Refresh-token rotation with reuse detection (RFC 9700 §4.14.2).
 *
 * Every use of a refresh token replaces it: the family's `currentHash` moves to a new token in a
 * compare-and-set on the family row, which is also where revocation writes, so rotation and
 * revocation never interleave. Presenting a token that is no longer its family's current one is
 * reuse — someone holds a copy — and revokes the whole family, audited.
 *
 * The grace window (`reuseGraceMs`) covers one case only: a client that sent its token, lost
 * the response and sends the same token again. The token may be exchanged again when
 *   1. it was rotated at most `reuseGraceMs` ago, and
 *   2. its successor is still the family's current token (so nobody has used the successor).
 * The result is a fresh rotation: a new token, child of the presented one, and the unused
 * successor is superseded (it can no longer be used; presenting it later is reuse). Anything
 * else — an older ancestor, the window passed, the successor already used — revokes the family.
 */
import { type CoreContext, commit } from '../../context.js';
import type { Change } from '../../journal.js';
import type { Client } from '../../model.js';
import type { RefreshTokenRecord, RefreshTokenRow } from './ports.js';
import type { RefreshTokenSettings } from './settings.js';

export type RotationOutcome = 'rotated' | 'reused' | 'revoked';

/**
 * Whether presenting a token that is no longer current is the lost-response retry the grace
 * window covers: its successor (the family's current token) is its child, unused, issued at most
 * `reuseGraceMs` ago.
 */
export function isGraceRetry(
  presentedHash: string,
  current: RefreshTokenRow | undefined,
  settings: Pick<RefreshTokenSettings, 'reuseGraceMs'>,
  now: Date,
): current is RefreshTokenRow {
  return (
    settings.reuseGraceMs > 0 &&
    current !== undefined &&
    current.parentHash === presentedHash &&
    now.getTime() - current.issuedAt.getTime() <= settings.reuseGraceMs
  );
}

/**
 * Called before anything else is checked for a token that is not its family's current one, so
 * that no other refusal (a wider scope, say) lets a copy be probed without consequence: reuse
 * outside the grace window revokes the family here. 'grace' lets the request go on (the rotation
 * re-checks it in its transaction).
 */
export async function screenStaleToken(
  core: CoreContext,
  record: RefreshTokenRecord,
  settings: Pick<RefreshTokenSettings, 'reuseGraceMs'>,
  client: Pick<Client, 'clientId'>,
): Promise<'grace' | 'reused'> {
  const current = await core.store.getRefreshTokenRow(record.family.currentHash);
  if (isGraceRetry(record.hash, current, settings, core.clock.now())) return 'grace';
  await commit(core, async (tx, now) => {
    const fresh = await tx.findRefreshToken(record.hash);
    if (!fresh || fresh.family.revokedAt !== null) return { result: undefined, changes: [] };
    await tx.revokeRefreshFamilies([fresh.family.id], now, 'reuse');
    return { result: undefined, changes: [reuseAudit(fresh, client, now)] };
  });
  return 'reused';
}

export async function rotateRefreshToken(
  core: CoreContext,
  record: RefreshTokenRecord,
  newHash: string,
  settings: Pick<RefreshTokenSettings, 'reuseGraceMs'>,
  client: Pick<Client, 'clientId'>,
): Promise<RotationOutcome> {
  const { family } = record;
  if (record.hash === family.currentHash) {
    const moved = await core.store.rotateRefreshToken({
      familyId: family.id,
      expectedCurrentHash: record.hash,
      parentHash: record.hash,
      newHash,
      now: core.clock.now(),
    });
    if (moved) return 'rotated';
    // Lost a race with another use of the same token (or a revocation): decide below.
  }
  return commit(core, async (tx, now) => {
    const fresh = await tx.findRefreshToken(record.hash);
    if (!fresh || fresh.family.revokedAt !== null) return { result: 'revoked', changes: [] };
    const current = await tx.getRefreshTokenRow(fresh.family.currentHash);
    if (isGraceRetry(record.hash, current, settings, now)) {
      const moved = await tx.rotateRefreshToken({
        familyId: family.id,
        expectedCurrentHash: current.hash,
        parentHash: record.hash,
        newHash,
        now,
      });
      if (moved) return { result: 'rotated', changes: [] };
    }
    await tx.revokeRefreshFamilies([family.id], now, 'reuse');
    return { result: 'reused', changes: [reuseAudit(fresh, client, now)] };
  });
}

/** The audit row of a detected reuse: who presented it, for which client and family; never the token. */
function reuseAudit(fresh: RefreshTokenRecord, client: Pick<Client, 'clientId'>, now: Date): Change {
  const { family } = fresh;
  return {
    actor: { type: 'client', id: client.clientId },
    action: 'refresh_token.reused',
    targetType: 'user',
    targetId: family.userId,
    summary: {
      clientId: family.clientId,
      familyId: family.id,
      // The family's last rotation: how stale the presented copy is at least.
      lastRotatedAt: (family.rotatedAt ?? now).toISOString(),
      familyCreatedAt: family.createdAt.toISOString(),
    },
  };
}
