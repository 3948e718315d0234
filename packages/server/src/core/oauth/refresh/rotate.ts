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
import type { Client } from '../../model.js';
import type { RefreshTokenRecord } from './ports.js';
import type { RefreshTokenSettings } from './settings.js';

export type RotationOutcome = 'rotated' | 'reused' | 'revoked';

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
    const graceful =
      settings.reuseGraceMs > 0 &&
      current !== undefined &&
      current.parentHash === record.hash &&
      now.getTime() - current.issuedAt.getTime() <= settings.reuseGraceMs;
    if (graceful) {
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
    return {
      result: 'reused',
      changes: [
        {
          actor: { type: 'client', id: client.clientId },
          action: 'refresh_token.reused',
          targetType: 'user',
          targetId: family.userId,
          summary: {
            clientId: family.clientId,
            familyId: family.id,
            // The family's last rotation: how stale the presented copy is at least.
            lastRotatedAt: (fresh.family.rotatedAt ?? now).toISOString(),
            familyCreatedAt: family.createdAt.toISOString(),
          },
        },
      ],
    };
  });
}
