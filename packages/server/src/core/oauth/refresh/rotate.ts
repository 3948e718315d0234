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
 *   2. its successor is still the family's current token (so nobody has used the successor):
 *      it is the family's `previousHash`.
 * The result is a fresh rotation: a new token, child of the presented one, and the unused
 * successor is superseded (it can no longer be used; presenting it later is reuse). Anything
 * else — an older ancestor, the window passed, the successor already used — revokes the family.
 */
import { type CoreContext, commit } from '../../context.js';
import type { Change } from '../../journal.js';
import type { Client } from '../../model.js';
import type { RefreshFamily } from './ports.js';
import type { RefreshTokenSettings } from './settings.js';
import { type PresentedRefreshToken, type RefreshTokenStanding, standingIn } from './tokens.js';

/** What a rotation did; when it rotated, the family as it wrote it. */
export type RotationOutcome =
  | { outcome: 'rotated'; family: RefreshFamily }
  | { outcome: 'reused' | 'revoked' };

/**
 * Whether presenting a token that is no longer current is the lost-response retry the grace
 * window covers: it is the token the family's live one replaced (so the live one is its child,
 * and unused — a use would have replaced it in turn), and that replacement happened at most
 * `reuseGraceMs` ago.
 */
export function isGraceRetry(
  standing: RefreshTokenStanding,
  family: Pick<RefreshFamily, 'rotatedAt'>,
  settings: Pick<RefreshTokenSettings, 'reuseGraceMs'>,
  now: Date,
): boolean {
  return (
    settings.reuseGraceMs > 0 &&
    standing === 'previous' &&
    family.rotatedAt !== null &&
    now.getTime() - family.rotatedAt.getTime() <= settings.reuseGraceMs
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
  presented: PresentedRefreshToken,
  settings: Pick<RefreshTokenSettings, 'reuseGraceMs'>,
  client: Pick<Client, 'clientId'>,
): Promise<'grace' | 'reused'> {
  if (isGraceRetry(presented.standing, presented.family, settings, core.clock.now())) return 'grace';
  await revokeForReuse(core, presented.family.id, client);
  return 'reused';
}

export async function rotateRefreshToken(
  core: CoreContext,
  presented: PresentedRefreshToken,
  newHash: string,
  settings: Pick<RefreshTokenSettings, 'reuseGraceMs'>,
  client: Pick<Client, 'clientId'>,
): Promise<RotationOutcome> {
  const { family, hash } = presented;
  if (presented.standing === 'current') {
    const now = core.clock.now();
    const moved = await core.store.rotateRefreshToken({
      familyId: family.id,
      expectedCurrentHash: hash,
      parentHash: hash,
      newHash,
      now,
    });
    if (moved) return rotated(family, hash, newHash, now);
    // Lost a race with another use of the same token (or a revocation): decide below.
  }
  return commit<RotationOutcome>(core, async (tx, now) => {
    const fresh = await tx.getRefreshFamily(family.id);
    if (!fresh || fresh.revokedAt !== null) return { result: { outcome: 'revoked' }, changes: [] };
    if (isGraceRetry(standingIn(fresh, hash), fresh, settings, now)) {
      const moved = await tx.rotateRefreshToken({
        familyId: family.id,
        expectedCurrentHash: fresh.currentHash,
        parentHash: hash,
        newHash,
        now,
      });
      if (moved) return { result: rotated(fresh, hash, newHash, now), changes: [] };
    }
    await tx.revokeRefreshFamilies([family.id], now, 'reuse');
    return { result: { outcome: 'reused' }, changes: [reuseAudit(fresh, client, now)] };
  });
}

const rotated = (family: RefreshFamily, parentHash: string, newHash: string, now: Date): RotationOutcome => ({
  outcome: 'rotated',
  family: { ...family, currentHash: newHash, previousHash: parentHash, rotatedAt: now },
});

/** Revokes a family for reuse, audited, unless it is gone or already revoked. */
async function revokeForReuse(
  core: CoreContext,
  familyId: string,
  client: Pick<Client, 'clientId'>,
): Promise<void> {
  await commit(core, async (tx, now) => {
    const fresh = await tx.getRefreshFamily(familyId);
    if (!fresh || fresh.revokedAt !== null) return { result: undefined, changes: [] };
    await tx.revokeRefreshFamilies([fresh.id], now, 'reuse');
    return { result: undefined, changes: [reuseAudit(fresh, client, now)] };
  });
}

/** The audit row of a detected reuse: who presented it, for which client and family; never the token. */
function reuseAudit(family: RefreshFamily, client: Pick<Client, 'clientId'>, now: Date): Change {
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
