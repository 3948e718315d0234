// What every adapter shares: reading the bearer token (RFC 6750 §2.1), checking permissions, and
// the ONE mapping from an error to an HTTP answer (RFC 6750 §3).
import { can } from '../can.js';
import type { Verifier } from '../create-verifier.js';
import { VerifyError } from '../errors.js';
import type { Principal } from '../principal.js';

/**
 * Options shared by every middleware adapter.
 *
 * @example
 * ```ts
 * import { bearerAuth } from '@tessera/verify/express';
 * app.use(bearerAuth({ verifier, realm: 'billing' }));
 * ```
 */
export interface BearerAuthOptions {
  /** The verifier from createVerifier (anything with its `verify`). */
  readonly verifier: Pick<Verifier, 'verify'>;
  /** The `realm` of the WWW-Authenticate challenge (RFC 6750 §3). Default `api`. */
  readonly realm?: string;
}

/** An HTTP answer to a failed authentication or authorization. */
export interface Answer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** JSON text, or undefined for an empty body. */
  readonly body: string | undefined;
}

// RFC 6750 §3: realm and error_description are quoted-strings restricted to %x20-21 / %x23-5B /
// %x5D-7E (no quote, no backslash, no control character).
const QUOTABLE = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;
// RFC 6750 §2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;
const SCHEME = /^Bearer(?: |$)/i;
const PERMISSION = /^[^\s:]+:[^\s:]+$/;

/** Validates adapter options at setup; returns the realm. */
export function resolveBearerOptions(options: BearerAuthOptions, where: string): string {
  if (typeof options !== 'object' || options === null || typeof options.verifier?.verify !== 'function')
    throw new TypeError(`${where}: options.verifier must be a verifier from createVerifier()`);
  const realm = options.realm ?? 'api';
  if (typeof realm !== 'string' || realm.length === 0 || !QUOTABLE.test(realm))
    throw new TypeError(
      `${where}: realm must be a non-empty string without quotes, backslashes or control characters`,
    );
  return realm;
}

/** Validates `requirePermission(...)` arguments at setup. */
export function resolvePermissions(permissions: readonly string[], where: string): readonly string[] {
  if (permissions.length === 0) throw new TypeError(`${where}: name at least one permission`);
  for (const p of permissions) {
    if (typeof p !== 'string' || !PERMISSION.test(p))
      throw new TypeError(`${where}: ${JSON.stringify(p)} is not a "resource:action" permission`);
  }
  return Object.freeze([...permissions]);
}

/**
 * The bearer token of an `Authorization` header (RFC 6750 §2.1; the scheme is case-insensitive,
 * RFC 9110 §11.1). No header, or another scheme: ERR_TOKEN_MISSING. `Bearer` with no valid
 * b64token after it: ERR_REQUEST_MALFORMED. Tokens in the query or body (§2.2, §2.3) are not read.
 */
export function readBearer(authorization: string | readonly string[] | undefined): string {
  const header = Array.isArray(authorization) ? authorization[0] : authorization;
  if (typeof header !== 'string' || !SCHEME.test(header))
    throw new VerifyError('ERR_TOKEN_MISSING', 'the request carries no bearer token');
  const match = BEARER.exec(header);
  if (!match?.[1])
    throw new VerifyError('ERR_REQUEST_MALFORMED', 'the Authorization header is not "Bearer <token>"');
  return match[1];
}

/** Throws ERR_PERMISSION_DENIED unless the principal holds every permission. */
export function assertPermissions(principal: Principal, permissions: readonly string[]): void {
  for (const permission of permissions) {
    if (!can(principal, permission))
      throw new VerifyError(
        'ERR_PERMISSION_DENIED',
        `the access token does not grant ${permissions.join(' ')}`,
        {
          scope: permissions,
        },
      );
  }
}

/**
 * The one mapping from a failure to an HTTP answer. RFC 6750 §3: 401 with
 * `WWW-Authenticate: Bearer realm="…"` and no error code when no token came (§3.1); 401
 * `invalid_token`, 400 `invalid_request` or 403 `insufficient_scope` (with the `scope` needed)
 * otherwise, with an `error_description` that never contains the token. 5xx (no keys, stale
 * live updates) answer a generic `server_error` without a challenge: the token may well be good.
 * Anything that is not a VerifyError returns undefined: the framework's error handling owns it.
 */
export function answerFor(err: unknown, realm: string): Answer | undefined {
  if (!(err instanceof VerifyError)) return undefined;
  const json = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };
  if (!err.expose) {
    const body = {
      error: 'server_error',
      error_description: 'the access token cannot be verified right now',
    };
    return { status: err.status, headers: { ...json, 'retry-after': '5' }, body: JSON.stringify(body) };
  }
  if (err.bearerError === undefined)
    return {
      status: err.status,
      headers: { 'www-authenticate': `Bearer realm="${realm}"` },
      body: undefined,
    };
  const description = err.message.replace(/[^\x20\x21\x23-\x5b\x5d-\x7e]/g, "'");
  let challenge = `Bearer realm="${realm}", error="${err.bearerError}", error_description="${description}"`;
  if (err.scope !== undefined) challenge += `, scope="${err.scope.join(' ')}"`;
  return {
    status: err.status,
    headers: { ...json, 'www-authenticate': challenge },
    body: JSON.stringify({ error: err.bearerError, error_description: err.message }),
  };
}

/** Per-request state the adapters share (keyed by the framework's request object). */
export interface RequestAuth {
  readonly principal: Principal;
  readonly realm: string;
}

const state = new WeakMap<object, RequestAuth>();
export const rememberAuth = (request: object, auth: RequestAuth): void => {
  state.set(request, auth);
};
export const authOf = (request: object): RequestAuth | undefined => state.get(request);
