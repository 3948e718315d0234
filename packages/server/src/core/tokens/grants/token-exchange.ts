import { TesseraError } from '../../errors.js';
import { splitScope } from '../../oauth/scopes.js';
import { anyGrants, grants } from '../../permissions.js';
import { resolveAudience } from '../audience.js';
import { single } from '../params.js';
import { permissionsInNamespace } from '../scope.js';
import { issueUserAccessToken } from '../user-access-token.js';
import type { Grant } from './grant.js';

/** RFC 8693 §3: the one token type Tessera exchanges and issues. */
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

/**
 * RFC 8693 token exchange, for service-to-service calls on a user's behalf: a service that
 * received a user's access token exchanges it for a token for another API, never with more
 * rights.
 *
 * Who may exchange what (the narrowest rule that still lets a service call the next one):
 * - a confidential client registered for the grant (checked before this runs);
 * - only a subject token whose `aud` is the exchanging client's default audience: the client is
 *   the API the user's token was sent to, acting on it — a client cannot exchange tokens meant
 *   for some other API (a leaked token is no use to it);
 * - only Tessera user access tokens that are active now, read as introspection reads them
 *   (signature, expiry, revoked jti, revoke-before-T, disabled or deleted user, disabled client).
 *
 * What comes out: a user access token for the requested audience (`resource` or `audience`,
 * RFC 8707; default: the client's default audience) whose permissions are the user's current
 * permissions in that audience's namespace ∩ the subject token's scope (when it had one) ∩ the
 * requested `scope` (when given; asking beyond the first two is invalid_scope); its lifetime
 * never exceeds the subject token's; `act` names the exchanging client (RFC 8693 §4.1), nesting
 * any actor the subject token already named. No refresh token (§2.2.1 makes it optional; a
 * delegated token should not outlive the call chain).
 */
export const tokenExchange: Grant = async (ctx, client, params) => {
  if (client.type !== 'confidential') {
    throw new TesseraError('ERR_UNAUTHORIZED_CLIENT', 'only confidential clients may exchange tokens');
  }
  const subjectToken = single(params, 'subject_token');
  const subjectType = single(params, 'subject_token_type');
  if (subjectToken === undefined || subjectType === undefined) {
    throw invalidRequest('the request is missing a required parameter: subject_token and subject_token_type');
  }
  if (subjectType !== ACCESS_TOKEN_TYPE) {
    throw invalidRequest(`subject_token_type must be ${ACCESS_TOKEN_TYPE}`);
  }
  if (single(params, 'actor_token') !== undefined || single(params, 'actor_token_type') !== undefined) {
    throw invalidRequest('actor tokens are not supported: the authenticated client is the actor');
  }
  const requestedType = single(params, 'requested_token_type');
  if (requestedType !== undefined && requestedType !== ACCESS_TOKEN_TYPE) {
    throw invalidRequest(`requested_token_type must be ${ACCESS_TOKEN_TYPE}`);
  }
  if (!ctx.introspector) {
    throw new TesseraError('ERR_INTERNAL', 'token exchange needs the introspector, which is not running');
  }

  const subject = await ctx.introspector.activeAccessToken(subjectToken);
  if (!subject || typeof subject.claims.aver !== 'number') {
    throw invalidGrant('the subject token is not an active user access token');
  }
  const { claims } = subject;
  const auds = typeof claims.aud === 'string' ? [claims.aud] : claims.aud;
  if (client.defaultAudience === null || !auds.includes(client.defaultAudience)) {
    throw invalidGrant("the subject token was not issued for the client's own audience");
  }
  const now = ctx.clock.now();
  const remainingMs = claims.exp * 1000 - now.getTime();
  if (remainingMs < 1000) throw invalidGrant('the subject token has expired');

  // RFC 8693 §2.1 `audience` (a logical name) and RFC 8707 `resource` both name the target here.
  const audience = single(params, 'audience');
  if (audience !== undefined && single(params, 'resource') !== undefined) {
    throw invalidRequest('name the target with resource or audience, not both');
  }
  const application = await resolveAudience(
    ctx.directory,
    client,
    audience === undefined ? params : { ...params, resource: audience },
  );
  const user = await ctx.store.getUser(claims.sub);
  if (!user?.active) throw invalidGrant('the user is disabled');
  const access = await ctx.store.userAccess(user.id);
  const held = permissionsInNamespace(access.permissions, application.namespace);
  const allowed = claims.scope === undefined ? held : meet(held, claims.scope.split(' '));
  const requested = splitScope(single(params, 'scope')).permissions;
  let permissionScope: string | undefined;
  if (requested !== undefined) {
    const beyond = requested.split(' ').filter((p) => !anyGrants(allowed, p));
    if (beyond.length > 0) {
      throw new TesseraError(
        'ERR_INVALID_SCOPE',
        `the requested scope exceeds what the subject token allows for this resource: ${beyond.join(' ')}`,
      );
    }
    permissionScope = requested;
  } else if (claims.scope !== undefined) {
    if (allowed.length === 0) {
      throw new TesseraError(
        'ERR_INVALID_SCOPE',
        "the subject token's scope grants nothing for this resource",
      );
    }
    permissionScope = allowed.join(' ');
  }

  const token = await issueUserAccessToken(
    ctx,
    { userAccess: async () => access },
    {
      user,
      clientId: client.clientId,
      application,
      permissionScope,
      act: claims.act ? { sub: client.clientId, act: claims.act } : { sub: client.clientId },
      lifetimeMs: remainingMs,
    },
  );
  return {
    issued: token.issued,
    response: {
      access_token: token.issued.token,
      issued_token_type: ACCESS_TOKEN_TYPE,
      token_type: 'Bearer',
      expires_in: token.issued.expiresIn,
      ...(token.scope ? { scope: token.scope } : {}),
    },
  };
};

/** Permissions both sides grant (a held `api:*` and a scope `api:read` meet in `api:read`). */
function meet(held: readonly string[], scope: readonly string[]): string[] {
  const out = new Set<string>();
  for (const p of held) if (scope.some((s) => grants(s, p))) out.add(p);
  for (const s of scope) if (held.some((p) => grants(p, s))) out.add(s);
  return [...out].sort();
}

const invalidRequest = (message: string): TesseraError => new TesseraError('ERR_INVALID_REQUEST', message);
const invalidGrant = (message: string): TesseraError => new TesseraError('ERR_INVALID_GRANT', message);
