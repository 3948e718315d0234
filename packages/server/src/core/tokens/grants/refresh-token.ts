import { TesseraError } from '../../errors.js';
import type { Client } from '../../model.js';
import { issueIdToken } from '../../oauth/oidc/id-token.js';
import { rotateRefreshToken, screenStaleToken } from '../../oauth/refresh/rotate.js';
import { narrowRefreshScope, stillHeld } from '../../oauth/refresh/scope.js';
import {
  DEFAULT_REFRESH_TOKEN_SETTINGS,
  type RefreshTokenSettings,
  refreshTokenExpiry,
} from '../../oauth/refresh/settings.js';
import {
  mintRefreshToken,
  type PresentedRefreshToken,
  presentRefreshToken,
} from '../../oauth/refresh/tokens.js';
import { joinScope, splitScope } from '../../oauth/scopes.js';
import { single } from '../params.js';
import { narrowToScope, permissionsInNamespace } from '../scope.js';
import { issueUserAccessToken } from '../user-access-token.js';
import type { Grant, GrantContext } from './grant.js';

/**
 * RFC 6749 §6: a new access token for the user, with the user's rights as they are now, and a
 * new refresh token in place of the one presented (rotated on every use; see
 * oauth/refresh/rotate.ts for reuse detection and the grace window). Public clients use it too
 * (RFC 9700 §4.14.2: rotation is what makes their refresh tokens safe).
 *
 * Every refusal is invalid_grant (§5.2: "invalid, expired, revoked, … or was issued to another
 * client"), except a wider scope (invalid_scope).
 */
export const refreshToken: Grant = async (ctx, client, params) => {
  const settings = ctx.refreshTokens ?? DEFAULT_REFRESH_TOKEN_SETTINGS;
  const presented = single(params, 'refresh_token');
  if (presented === undefined) {
    throw new TesseraError(
      'ERR_INVALID_REQUEST',
      'the request is missing a required parameter: refresh_token',
    );
  }
  const now = ctx.clock.now();
  let token = await presentRefreshToken(ctx.store, presented, ctx.refreshFamilies);
  let refusal = token && refusalOf(token, client, settings, now);
  // A family remembered by this process may be stale: a refusal is given only on the store's row.
  if (token && refusal && !token.confirmed) {
    token = await presentRefreshToken(ctx.store, presented);
    refusal = token && refusalOf(token, client, settings, now);
  }
  if (!token) throw invalidGrant('the refresh token is invalid');
  if (refusal) throw refusal;
  const { family } = token;

  // A copy of a replaced token: reuse is decided first, before any other check could refuse it
  // without consequence.
  if (token.standing !== 'current') {
    if ((await screenStaleToken(ctx.core, token, settings, client)) === 'reused') throw reusedError();
  }

  const scope = narrowRefreshScope(family.scope, single(params, 'scope'));
  // The user and their access as they are now: from the event-fed view in memory when it runs
  // (the same one introspection answers from), else from the store.
  const current = ctx.introspector
    ? await ctx.introspector.currentUser(family.userId)
    : await readUser(ctx.store, family.userId);
  if (!current) throw invalidGrant('the user no longer exists');
  const { user, access } = current;
  if (!user.active) throw invalidGrant('the user is disabled');
  const application = await ctx.directory.application(family.audience);
  if (!application) throw invalidGrant("the refresh token's audience no longer exists");

  const held = permissionsInNamespace(access.permissions, application.namespace);
  const permissionScope =
    splitScope(family.scope).permissions === undefined
      ? scope.permissions
      : stillHeld(scope.permissions, held);
  // Every refusal is decided above (a scope beyond what the user holds too), so a refused
  // request never uses the token up. Then the rotation is written while the access token is
  // signed on the thread pool; should signing fail after the rotation, the client's retry is
  // what the grace window covers.
  if (permissionScope !== undefined) narrowToScope(held, permissionScope);
  const next = mintRefreshToken(family.id);
  const [minted, rotation] = await Promise.all([
    issueUserAccessToken(
      ctx,
      { userAccess: async () => access },
      { user, clientId: client.clientId, application, permissionScope },
    ),
    rotateRefreshToken(ctx.core, token, next.hash, settings, client),
  ]);
  if (rotation.outcome !== 'rotated') {
    ctx.refreshFamilies?.forget(family.id);
    if (rotation.outcome === 'reused') throw reusedError();
    throw invalidGrant('the refresh token was revoked');
  }
  ctx.refreshFamilies?.remember(rotation.family);

  const idToken = scope.protocol.includes('openid')
    ? await issueIdToken(ctx, {
        user,
        clientId: client.clientId,
        authTime: family.authTime,
        sessionId: family.sessionId ?? undefined,
        accessToken: minted.issued.token,
        scopes: scope.protocol,
      })
    : undefined;
  const granted = joinScope(scope.protocol, minted.scope ?? permissionScope);
  return {
    issued: minted.issued,
    response: {
      access_token: minted.issued.token,
      token_type: 'Bearer',
      expires_in: minted.issued.expiresIn,
      refresh_token: next.token,
      ...(granted === '' ? {} : { scope: granted }),
      ...(idToken === undefined ? {} : { id_token: idToken }),
    },
  };
};

/** Why a presented token is refused before anything else is looked at; undefined when it is not. */
function refusalOf(
  token: PresentedRefreshToken,
  client: Client,
  settings: RefreshTokenSettings,
  now: Date,
): TesseraError | undefined {
  const { family } = token;
  // RFC 6749 §10.4: "the authorization server MUST … ensure that the refresh token was issued to the authenticated client".
  if (family.clientId !== client.clientId)
    return invalidGrant('the refresh token was issued to another client');
  if (family.revokedAt !== null) return invalidGrant('the refresh token was revoked');
  if (now.getTime() >= family.createdAt.getTime() + settings.lifetimeMs)
    return invalidGrant('the refresh token has expired');
  // A replaced token is checked for reuse whatever its idle age; the current one must be fresh.
  if (token.standing === 'current' && now >= refreshTokenExpiry(settings, family))
    return invalidGrant('the refresh token has expired');
  return undefined;
}

async function readUser(store: GrantContext['store'], userId: string) {
  const user = await store.getUser(userId);
  return user ? { user, access: await store.userAccess(userId) } : null;
}

const reusedError = (): TesseraError =>
  invalidGrant('the refresh token was already used; its family is revoked');

const invalidGrant = (message: string): TesseraError => new TesseraError('ERR_INVALID_GRANT', message);
