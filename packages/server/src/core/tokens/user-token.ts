/**
 * An access token for a user, minted by an administrator (the admin API or the CLI): for service
 * accounts, for trying an API, for tests. It carries exactly what a user token from the login
 * flows carries — roles, the audience's permissions, `aver`, and the provenance claims `grp` and
 * `drl` that let verifiers apply later changes (docs/design/live-access.md) — and minting it is
 * audited, since whoever holds it acts as the user.
 */
import { type Actor, type CoreContext, commit } from '../context.js';
import { TesseraError } from '../errors.js';
import type { KeyRing } from '../keys/keyring.js';
import { loadUser } from '../users/service.js';
import { absoluteUri } from '../validate.js';
import type { IssuedAccessToken } from './issue-access-token.js';
import { issueUserAccessToken } from './user-access-token.js';

export interface UserTokenSettings {
  keyRing: Pick<KeyRing, 'signer'>;
  issuer: string;
  accessTokenLifetimeMs: number;
  claimsBudget?: number;
}

export async function issueUserToken(
  ctx: CoreContext,
  settings: UserTokenSettings,
  actor: Actor,
  userId: string,
  audience: string,
): Promise<IssuedAccessToken> {
  const resource = absoluteUri(audience, 'audience');
  const { user, access, application } = await commit(ctx, async (tx) => {
    const user = await loadUser(tx, userId);
    if (!user.active) throw new TesseraError('ERR_INVALID_GRANT', 'the user is disabled');
    const application = await tx.getApplicationByAudience(resource);
    if (!application)
      throw new TesseraError('ERR_INVALID_TARGET', `no application has the audience ${resource}`);
    const access = await tx.userAccess(user.id);
    return {
      result: { user, access, application },
      changes: [
        {
          actor,
          action: 'token.issued_for_user',
          targetType: 'user',
          targetId: user.id,
          summary: { audience: resource },
        },
      ],
    };
  });
  return (
    await issueUserAccessToken(
      { ...settings, clock: ctx.clock },
      { userAccess: async () => access },
      {
        user,
        clientId: actor.type === 'client' ? actor.id : `tessera-${actor.type}`,
        application,
      },
    )
  ).issued;
}
