/**
 * RFC 8628 §3.4–3.5: the device polls the token endpoint with its device code.
 *
 * - Unknown code, or a code issued to another client: invalid_grant (§3.5 leaves it to RFC 6749
 *   §5.2: "issued to another client").
 * - Already redeemed: invalid_grant (a device code is used once).
 * - Past its expiry: expired_token.
 * - Still pending: authorization_pending, or slow_down when this poll came sooner than the
 *   interval after the previous one; slow_down raises the interval of this device code by 5 s
 *   "for this and all subsequent requests" (§3.5). Polls are recorded compare-and-set, so of two
 *   concurrent polls one is told to slow down.
 * - Denied: access_denied.
 * - Approved: in one transaction the code is marked redeemed (once, compare-and-set) and the
 *   tokens are issued: the user's access token for the audience with their current rights, a
 *   refresh token when the client is registered for the refresh_token grant (a new family), an
 *   ID token when `openid` was granted. A disabled user gets nothing (issueUserAccessToken); a
 *   disabled client never got here (client authentication refuses it).
 */
import { commit } from '../../context.js';
import { TesseraError } from '../../errors.js';
import { hashDeviceCode } from '../../oauth/device/codes.js';
import { issueIdToken } from '../../oauth/oidc/id-token.js';
import { issueRefreshToken } from '../../oauth/refresh/tokens.js';
import { joinScope, splitScope } from '../../oauth/scopes.js';
import { single } from '../params.js';
import { issueUserAccessToken } from '../user-access-token.js';
import type { Grant, GrantResult } from './grant.js';

/** RFC 8628 §3.5: "the interval MUST be increased by 5 seconds". */
export const SLOW_DOWN_STEP_MS = 5000;

export const deviceCode: Grant = async (ctx, client, params) => {
  const code = single(params, 'device_code');
  if (code === undefined) {
    throw new TesseraError('ERR_INVALID_REQUEST', 'the request is missing a required parameter: device_code');
  }
  const found =
    code.length > 256 ? undefined : await ctx.store.getDeviceAuthorizationByDeviceCode(hashDeviceCode(code));
  if (!found || found.clientId !== client.id) throw invalidGrant('the device code is invalid');
  if (found.status === 'redeemed') throw invalidGrant('the device code was already used');
  const now = ctx.clock.now();
  if (now.getTime() >= found.expiresAt.getTime()) {
    throw new TesseraError('ERR_EXPIRED_TOKEN', 'the device code has expired; start again');
  }
  if (found.status === 'pending') {
    const last = found.lastPolledAt;
    const tooSoon = last !== null && now.getTime() - last.getTime() < found.intervalMs;
    const interval = tooSoon ? found.intervalMs + SLOW_DOWN_STEP_MS : found.intervalMs;
    const recorded = await ctx.store.recordDevicePoll(found.id, last, now, interval);
    if (tooSoon || !recorded) {
      throw new TesseraError(
        'ERR_SLOW_DOWN',
        `polling too fast: wait at least ${Math.round(interval / 1000)} s between requests`,
        { detail: { interval: Math.round(interval / 1000) } },
      );
    }
    throw new TesseraError('ERR_AUTHORIZATION_PENDING', 'the user has not yet approved the request');
  }
  if (found.status === 'denied') throw new TesseraError('ERR_ACCESS_DENIED', 'the user denied the request');

  return commit(ctx.core, async (tx, at): Promise<{ result: GrantResult; changes: [] }> => {
    if (!(await tx.redeemDeviceAuthorization(found.id, at))) {
      throw invalidGrant('the device code was already used');
    }
    const user = found.userId === null ? undefined : await tx.getUser(found.userId);
    if (!user) throw invalidGrant('the user who approved the request no longer exists');
    const application = await tx.getApplicationByAudience(found.audience);
    if (!application) throw invalidGrant('the requested resource no longer exists');
    const { protocol, permissions } = splitScope(found.scope || undefined);
    const { issued, scope: narrowed } = await issueUserAccessToken(ctx, tx, {
      user,
      clientId: client.clientId,
      application,
      permissionScope: permissions,
    });
    const authTime = found.authTime ?? at;
    const refresh = client.grantTypes.includes('refresh_token')
      ? await issueRefreshToken(tx, {
          userId: user.id,
          clientId: client.clientId,
          audience: application.audience,
          scope: found.scope,
          sessionId: null,
          authTime,
          now: at,
        })
      : undefined;
    const idToken = protocol.includes('openid')
      ? await issueIdToken(ctx, {
          user,
          clientId: client.clientId,
          authTime,
          accessToken: issued.token,
          scopes: protocol,
        })
      : undefined;
    const scope = joinScope(protocol, narrowed);
    return {
      result: {
        issued,
        response: {
          access_token: issued.token,
          token_type: 'Bearer',
          expires_in: issued.expiresIn,
          ...(scope === '' ? {} : { scope }),
          ...(refresh && { refresh_token: refresh.token }),
          ...(idToken && { id_token: idToken }),
        },
      },
      changes: [],
    };
  });
};

const invalidGrant = (message: string): TesseraError => new TesseraError('ERR_INVALID_GRANT', message);
