/**
 * The access token every user-facing grant issues (authorization code, device code, refresh
 * token, token exchange) and the admin-minted user token: RFC 9068 claims for the user, the
 * user's current roles and the audience's permissions, `aver`, and the provenance claims `grp`
 * and `drl` that let verifiers apply later changes (docs/design/live-access.md).
 *
 * Reads the user's access from the store as it is now: a grant never reuses rights captured at
 * login, so a refresh after a role change carries the new roles.
 */
import { TesseraError } from '../errors.js';
import type { Application, User } from '../model.js';
import type { Queries } from '../ports.js';
import type { GrantContext } from './grants/grant.js';
import { type ActorClaim, type IssuedAccessToken, issueAccessToken } from './issue-access-token.js';
import { narrowToScope, permissionsInNamespace } from './scope.js';

export interface UserAccessTokenInput {
  user: User;
  /** The OAuth client_id the token is issued to (its `client_id` claim). */
  clientId: string;
  application: Application;
  /**
   * Permissions the token is narrowed to (space-separated), as the request's scope names them
   * once protocol scopes (`openid`, `offline_access`, …) are taken out. Absent: all the user
   * holds in the audience's namespace. Asking for more than the user holds is invalid_scope.
   */
  permissionScope?: string | undefined;
  /** RFC 8693 §4.1 actor (token exchange). */
  act?: ActorClaim;
  /** Shorter than the configured lifetime (token exchange: never beyond the subject token). */
  lifetimeMs?: number;
}

export interface UserAccessToken {
  issued: IssuedAccessToken;
  /** The permissions granted when the request narrowed them, as the response's `scope`. */
  scope?: string;
}

export async function issueUserAccessToken(
  ctx: Pick<GrantContext, 'keyRing' | 'issuer' | 'clock' | 'accessTokenLifetimeMs' | 'claimsBudget'>,
  queries: Pick<Queries, 'userAccess'>,
  input: UserAccessTokenInput,
): Promise<UserAccessToken> {
  const { user, application } = input;
  if (!user.active) throw new TesseraError('ERR_INVALID_GRANT', 'the user is disabled');
  const access = await queries.userAccess(user.id);
  const held = permissionsInNamespace(access.permissions, application.namespace);
  const narrowed =
    input.permissionScope === undefined || input.permissionScope === ''
      ? undefined
      : narrowToScope(held, input.permissionScope);
  const sameRoles = access.directRoles.join(' ') === access.roles.join(' ');
  const issued = await issueAccessToken(await ctx.keyRing.signer(), {
    issuer: ctx.issuer,
    subject: user.id,
    audience: application.audience,
    clientId: input.clientId,
    ...(narrowed && { scope: narrowed.scope }),
    roles: access.roles,
    permissions: narrowed?.permissions ?? held,
    aver: user.aver,
    groups: access.groupIds,
    ...(sameRoles ? {} : { directRoles: access.directRoles }),
    ...(input.act ? { act: input.act } : {}),
    now: ctx.clock.now(),
    lifetimeMs: Math.min(input.lifetimeMs ?? ctx.accessTokenLifetimeMs, ctx.accessTokenLifetimeMs),
    ...(ctx.claimsBudget === undefined ? {} : { claimsBudget: ctx.claimsBudget }),
  });
  return narrowed ? { issued, scope: narrowed.scope } : { issued };
}
