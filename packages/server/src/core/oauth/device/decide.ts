/**
 * The user's side of RFC 8628 (§3.3): on the verification page a signed-in user names a device
 * authorization by its user code, sees who asks for what, and approves or denies it. Both
 * decisions are audited (`device.approved`, `device.denied`) in the transaction that makes them.
 */
import { type Actor, type CoreContext, commit } from '../../context.js';
import { TesseraError } from '../../errors.js';
import type { Application, Client } from '../../model.js';
import { anyGrants } from '../../permissions.js';
import type { Clock, Queries } from '../../ports.js';
import { narrowToScope, permissionsInNamespace } from '../../tokens/scope.js';
import { mergeScope } from '../authorize/consent.js';
import { splitScope } from '../scopes.js';
import { hashUserCode, normalizeUserCode } from './codes.js';
import type { DeviceAuthorization } from './ports.js';

/** A pending device authorization as the verification page shows it. */
export interface PendingDevice {
  authorization: DeviceAuthorization;
  client: Client;
  application: Application;
  /** Protocol scopes asked for (`openid`, …). */
  protocolScopes: string[];
  /** Permissions asked for; empty: all the user holds for the audience. */
  permissions: string[];
}

/**
 * The pending, unexpired authorization a typed user code names, with its client and audience;
 * undefined for anything else (malformed, unknown, decided, expired, client disabled or gone):
 * the page answers all of these with the same words, so a guesser learns nothing.
 */
export async function findPendingDevice(
  queries: Pick<Queries, 'getDeviceAuthorizationByUserCode' | 'getClient' | 'getApplicationByAudience'>,
  clock: Clock,
  typed: unknown,
): Promise<PendingDevice | undefined> {
  const normalized = normalizeUserCode(typed);
  if (normalized === undefined) return undefined;
  const authorization = await queries.getDeviceAuthorizationByUserCode(hashUserCode(normalized));
  if (authorization?.status !== 'pending') return undefined;
  if (authorization.expiresAt.getTime() <= clock.now().getTime()) return undefined;
  const client = await queries.getClient(authorization.clientId);
  if (!client?.enabled) return undefined;
  const application = await queries.getApplicationByAudience(authorization.audience);
  if (!application) return undefined;
  const { protocol, permissions } = splitScope(authorization.scope || undefined);
  return {
    authorization,
    client,
    application,
    protocolScopes: protocol,
    permissions: permissions?.split(' ') ?? [],
  };
}

export interface DeviceDecision {
  /** The user code as typed (looked up again inside the transaction). */
  userCode: unknown;
  userId: string;
  /** When the user signed in (the session's auth time). */
  authTime: Date;
  approve: boolean;
}

/**
 * Approves or denies the pending authorization the user code names. Throws ERR_INVALID_REQUEST
 * when it is not (or no longer) pending, ERR_INVALID_SCOPE when approving permissions the user
 * does not hold. Returns what was decided, for the confirmation page.
 */
export async function decideDevice(
  ctx: CoreContext,
  actor: Actor,
  decision: DeviceDecision,
): Promise<PendingDevice> {
  return commit(ctx, async (tx, now) => {
    const pending = await findPendingDevice(tx, ctx.clock, decision.userCode);
    if (!pending) throw notPending();
    const { authorization, client, application } = pending;
    if (decision.approve) {
      const user = await tx.getUser(decision.userId);
      if (!user?.active) throw new TesseraError('ERR_FORBIDDEN', 'your account is disabled');
      if (pending.permissions.length > 0) {
        const access = await tx.userAccess(user.id);
        const held = permissionsInNamespace(access.permissions, application.namespace);
        try {
          narrowToScope(held, pending.permissions.join(' '));
        } catch {
          throw new TesseraError(
            'ERR_INVALID_SCOPE',
            `the device asks for permissions you do not hold: ${pending.permissions.filter((p) => !anyGrants(held, p)).join(' ')}`,
          );
        }
      }
    }
    const status = decision.approve ? 'approved' : 'denied';
    const decided = await tx.decideDeviceAuthorization(authorization.id, {
      status,
      userId: decision.userId,
      authTime: decision.authTime,
      at: now,
    });
    if (!decided) throw notPending();
    if (decision.approve) {
      // Remembered like a consent on /consent (core/oauth/authorize): UserInfo releases claims by it.
      const remembered = await tx.getConsent(decision.userId, client.id, authorization.audience);
      await tx.putConsent({
        userId: decision.userId,
        clientId: client.id,
        audience: authorization.audience,
        scope: mergeScope(remembered?.scope, authorization.scope),
        grantedAt: now,
      });
    }
    return {
      result: pending,
      changes: [
        {
          actor,
          action: `device.${status}`,
          targetType: 'device_authorization',
          targetId: authorization.id,
          summary: {
            userId: decision.userId,
            clientId: client.clientId,
            audience: authorization.audience,
            scope: authorization.scope,
          },
        },
      ],
    };
  });
}

const notPending = (): TesseraError =>
  new TesseraError(
    'ERR_INVALID_REQUEST',
    'that code is not valid: it may have expired or been used already. Check the code on your device and try again.',
  );
