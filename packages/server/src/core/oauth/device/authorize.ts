/**
 * RFC 8628 §3.1–3.2: a device asks to be authorized. The client is already authenticated (a
 * public client with `none`, usually); this checks that it may use the device grant, resolves
 * the audience (RFC 8707 `resource`, else the client's default) and the scope, and stores a new
 * pending authorization under the hashes of a fresh device code and user code.
 *
 * Nothing is audited here: anyone holding a public client_id may start one (the endpoint is
 * rate-limited), and it grants nothing until a signed-in user approves it, which is audited.
 */
import { type CoreContext, commit } from '../../context.js';
import { TesseraError } from '../../errors.js';
import { uuidv7 } from '../../ids.js';
import type { Application, Client } from '../../model.js';
import { namespaceOf } from '../../permissions.js';
import { resolveAudience } from '../../tokens/audience.js';
import { single, type TokenParams } from '../../tokens/params.js';
import { joinScope, splitScope } from '../scopes.js';
import { formatUserCode, hashUserCode, mintDeviceCode, mintUserCode } from './codes.js';

export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

export interface DeviceAuthorizationSettings {
  /** Lifetime of the codes (RFC 8628 `expires_in`). */
  lifetimeMs: number;
  /** Minimum polling interval (RFC 8628 `interval`). */
  intervalMs: number;
  /** The verification page, absolute (`${issuer}/device`). */
  verificationUri: string;
}

/** RFC 8628 §3.2, the device authorization response. */
export interface DeviceAuthorizationResponse {
  device_code: string;
  user_code: string;
  verification_uri: string;
  verification_uri_complete: string;
  expires_in: number;
  interval: number;
}

/** Expired rows are kept this long so that a late poll still hears `expired_token`. */
const KEEP_EXPIRED_MS = 60 * 60 * 1000;
/** A user code that collides with a stored one is drawn again, this many times at most. */
const ATTEMPTS = 3;

/** RFC 6749 §3.3 scope-token grammar. */
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

export async function startDeviceAuthorization(
  ctx: CoreContext,
  applications: { application(audience: string): Promise<Application | undefined> },
  client: Client,
  params: TokenParams,
  settings: DeviceAuthorizationSettings,
): Promise<DeviceAuthorizationResponse> {
  if (!client.grantTypes.includes(DEVICE_CODE_GRANT)) {
    throw new TesseraError(
      'ERR_UNAUTHORIZED_CLIENT',
      `the authenticated client is not authorized to use the grant type ${DEVICE_CODE_GRANT}`,
    );
  }
  const application = await resolveAudience(applications, client, params);
  const scope = requestedScope(single(params, 'scope'), application);
  for (let attempt = 1; ; attempt += 1) {
    const device = mintDeviceCode();
    const userCode = mintUserCode();
    try {
      await commit(ctx, async (tx, now) => {
        await tx.deleteExpiredDeviceAuthorizations(new Date(now.getTime() - KEEP_EXPIRED_MS));
        await tx.insertDeviceAuthorization({
          id: uuidv7(now.getTime()),
          deviceCodeHash: device.hash,
          userCodeHash: hashUserCode(userCode),
          clientId: client.id,
          audience: application.audience,
          scope,
          status: 'pending',
          userId: null,
          authTime: null,
          intervalMs: settings.intervalMs,
          lastPolledAt: null,
          createdAt: now,
          expiresAt: new Date(now.getTime() + settings.lifetimeMs),
          decidedAt: null,
        });
        return { result: undefined, changes: [] };
      });
    } catch (err) {
      // 20^8 codes: a collision is rare, and a second in a row rarer still.
      if (err instanceof TesseraError && err.code === 'ERR_CONFLICT' && attempt < ATTEMPTS) continue;
      throw err;
    }
    const shown = formatUserCode(userCode);
    return {
      device_code: device.code,
      user_code: shown,
      verification_uri: settings.verificationUri,
      verification_uri_complete: `${settings.verificationUri}?user_code=${encodeURIComponent(shown)}`,
      expires_in: Math.round(settings.lifetimeMs / 1000),
      interval: Math.max(1, Math.round(settings.intervalMs / 1000)),
    };
  }
}

/**
 * The scope as stored: protocol scopes, then the permissions, which must be well-formed and in
 * the audience's namespace (whether the user holds them is checked when the user approves and
 * again when the token is issued). RFC 6749 §5.2 invalid_scope otherwise.
 */
function requestedScope(scope: string | undefined, application: Application): string {
  if (scope !== undefined && scope.length > 2048) throw invalidScope('the requested scope is too long');
  const { protocol, permissions } = splitScope(scope);
  for (const permission of permissions?.split(' ') ?? []) {
    if (!SCOPE_TOKEN.test(permission) || !permission.includes(':')) {
      throw invalidScope(`the requested scope is malformed: ${JSON.stringify(permission)}`);
    }
    if (namespaceOf(permission) !== application.namespace) {
      throw invalidScope(
        `the requested permission ${permission} does not belong to the resource ${application.audience}`,
      );
    }
  }
  return joinScope(protocol, permissions);
}

const invalidScope = (message: string): TesseraError => new TesseraError('ERR_INVALID_SCOPE', message);
