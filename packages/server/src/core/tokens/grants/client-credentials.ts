import { resolveAudience } from '../audience.js';
import { issueAccessToken } from '../issue-access-token.js';
import { single } from '../params.js';
import { narrowToScope } from '../scope.js';
import type { Grant } from './grant.js';

/**
 * RFC 6749 §4.4: the client asks for a token for itself. The token carries the client's roles
 * and its permissions in the audience's namespace, or only the requested subset of them when
 * the request names a `scope`. No refresh token (§4.4.3).
 */
export const clientCredentials: Grant = async (ctx, client, params) => {
  const application = await resolveAudience(ctx.directory, client, params);
  const grant = await ctx.directory.grant(client, application);
  const scope = single(params, 'scope');
  const narrowed = scope === undefined ? undefined : narrowToScope(grant.permissions, scope);
  const issued = await issueAccessToken(await ctx.keyRing.signer(), {
    issuer: ctx.issuer,
    subject: client.clientId,
    audience: application.audience,
    clientId: client.clientId,
    scope: narrowed?.scope,
    roles: grant.roles,
    permissions: narrowed?.permissions ?? grant.permissions,
    now: ctx.clock.now(),
    lifetimeMs: ctx.accessTokenLifetimeMs,
    ...(ctx.claimsBudget === undefined ? {} : { claimsBudget: ctx.claimsBudget }),
  });
  return {
    issued,
    response: {
      access_token: issued.token,
      token_type: 'Bearer',
      expires_in: issued.expiresIn,
      ...(narrowed && { scope: narrowed.scope }),
    },
  };
};
