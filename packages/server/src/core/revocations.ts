/**
 * Revoking access tokens already issued. Tokens are self-contained, so revocation is an event:
 * verifiers following the event stream refuse the tokens it names. The event log keeps it for
 * at least the longest token lifetime (TESSERA_EVENT_RETENTION ≥ TESSERA_ACCESS_TOKEN_LIFETIME),
 * which is as long as any token it could name stays valid, so a verifier that connects later
 * still gets it in its snapshot.
 */
import { type Actor, type CoreContext, commit } from './context.js';
import { invalid } from './errors.js';
import { loadUser } from './users/service.js';
import { text } from './validate.js';

export interface UserTokensRevoked {
  userId: string;
  /** Tokens issued (iat) before this instant are revoked. */
  before: Date;
  /** Refresh-token families revoked with them (those started at or before `before`). */
  refreshFamiliesRevoked: number;
}

/**
 * Revokes every token of a user issued before `before` (default: now). The user's `aver` moves
 * too, so anything cached about the user's rights is re-read.
 */
export async function revokeUserTokens(
  ctx: CoreContext,
  actor: Actor,
  userId: string,
  options: { before?: Date } = {},
): Promise<UserTokensRevoked> {
  return commit(ctx, async (tx, now) => {
    const user = await loadUser(tx, userId);
    const before = options.before ?? now;
    if (Number.isNaN(before.getTime())) throw invalid('before must be a date-time', 'before');
    if (before.getTime() > now.getTime()) {
      throw invalid(
        'before must not be in the future: revoke now, or name the moment of a past incident',
        'before',
      );
    }
    const aver = (await tx.bumpAver(user.id)) ?? user.aver;
    // Refresh tokens too: every family started at or before `before` descends from a credential
    // of that time, however often it was rotated since.
    const refreshFamilies = await tx.revokeUserRefreshFamilies(user.id, before, now, 'user_tokens_revoked');
    return {
      result: { userId: user.id, before, refreshFamiliesRevoked: refreshFamilies.length },
      changes: [
        {
          actor,
          action: 'user.tokens_revoked',
          targetType: 'user',
          targetId: user.id,
          summary: { before: before.toISOString(), refreshFamilies },
          events: [
            {
              type: 'user.tokens_revoked',
              subjectType: 'user',
              subjectId: user.id,
              subjectVersion: aver,
              // iat has whole seconds: a token issued in the same second as `before` may predate it,
              // so that second is revoked too (a token minted just after waits a second for a new one).
              data: { before: before.toISOString(), iatBefore: Math.ceil(before.getTime() / 1000) },
            },
          ],
        },
      ],
    };
  });
}

export interface TokenRevoked {
  jti: string;
  /** Until when verifiers must remember it: the token's `exp`, or the longest lifetime from now. */
  expiresAt: Date;
}

/** Revokes one token by its `jti`. Without its `exp`, verifiers remember it for the longest token lifetime. */
export async function revokeToken(
  ctx: CoreContext,
  actor: Actor,
  input: { jti: string; expiresAt?: Date },
  maxTokenLifetimeMs: number,
): Promise<TokenRevoked> {
  const jti = text(input.jti, 'jti', 128);
  return commit(ctx, async (_tx, now) => {
    const latest = new Date(now.getTime() + maxTokenLifetimeMs);
    const expiresAt = input.expiresAt ?? latest;
    if (Number.isNaN(expiresAt.getTime())) throw invalid('exp must be a date-time', 'exp');
    // A token's exp cannot lie beyond the longest lifetime; capping keeps verifier memory bounded.
    const remember = expiresAt.getTime() > latest.getTime() ? latest : expiresAt;
    return {
      result: { jti, expiresAt: remember },
      changes: [
        {
          actor,
          action: 'token.revoked',
          targetType: 'token',
          targetId: jti,
          summary: { jti, expiresAt: remember.toISOString() },
          events: [
            {
              type: 'token.revoked',
              subjectType: 'token',
              subjectId: jti,
              subjectVersion: 1,
              data: { jti, exp: Math.ceil(remember.getTime() / 1000) },
            },
          ],
        },
      ],
    };
  });
}
