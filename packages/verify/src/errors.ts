/**
 * Every way a verification can fail, as a closed union, so callers can `switch (err.code)`.
 *
 * @example
 * ```ts
 * import { VerifyError } from '@tessera/verify';
 * try {
 *   await verifier.verify(token);
 * } catch (err) {
 *   if (err instanceof VerifyError && err.code === 'ERR_TOKEN_EXPIRED') refreshAndRetry();
 *   else throw err;
 * }
 * ```
 */
export type VerifyErrorCode =
  | 'ERR_TOKEN_MISSING'
  | 'ERR_REQUEST_MALFORMED'
  | 'ERR_TOKEN_MALFORMED'
  | 'ERR_TOKEN_TOO_LARGE'
  | 'ERR_TOKEN_EXPIRED'
  | 'ERR_TOKEN_NOT_YET_VALID'
  | 'ERR_TOKEN_REVOKED'
  | 'ERR_SIGNATURE_INVALID'
  | 'ERR_ALG_NOT_ALLOWED'
  | 'ERR_KEY_UNKNOWN'
  | 'ERR_CLAIM_INVALID'
  | 'ERR_HEADER_FORBIDDEN'
  | 'ERR_PERMISSION_DENIED'
  | 'ERR_JWKS_UNAVAILABLE'
  | 'ERR_STALE';

/**
 * The RFC 6750 §3.1 error code a failure is answered with; `undefined` when the request carried
 * no token at all ("the resource server SHOULD NOT include an error code"), `server_error` when
 * the fault is ours (the JWKS or the live stream), not the client's.
 *
 * @example
 * ```ts
 * import type { BearerError } from '@tessera/verify';
 * const retryable = (e: BearerError) => e === 'server_error';
 * ```
 */
export type BearerError =
  | 'invalid_request'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'server_error'
  | undefined;

interface CodeInfo {
  readonly status: number;
  readonly error: BearerError;
}

const INVALID_TOKEN: CodeInfo = { status: 401, error: 'invalid_token' };
const UNAVAILABLE: CodeInfo = { status: 503, error: 'server_error' };

/**
 * Each code's HTTP status and RFC 6750 error. 401 `invalid_token`: "The access token provided is
 * expired, revoked, malformed, or invalid for other reasons" (RFC 6750 §3.1). 403
 * `insufficient_scope`: "The request requires higher privileges than provided by the access
 * token". 503: we could not decide (no keys, or a live stream gone stale under fail-closed); a
 * client must not throw its token away for that.
 *
 * @example
 * ```ts
 * import { VERIFY_ERROR_CODES } from '@tessera/verify';
 * VERIFY_ERROR_CODES.ERR_TOKEN_EXPIRED; // { status: 401, error: 'invalid_token' }
 * ```
 */
export const VERIFY_ERROR_CODES: Readonly<Record<VerifyErrorCode, CodeInfo>> = Object.freeze({
  ERR_TOKEN_MISSING: { status: 401, error: undefined },
  ERR_REQUEST_MALFORMED: { status: 400, error: 'invalid_request' },
  ERR_TOKEN_MALFORMED: INVALID_TOKEN,
  ERR_TOKEN_TOO_LARGE: INVALID_TOKEN,
  ERR_TOKEN_EXPIRED: INVALID_TOKEN,
  ERR_TOKEN_NOT_YET_VALID: INVALID_TOKEN,
  ERR_TOKEN_REVOKED: INVALID_TOKEN,
  ERR_SIGNATURE_INVALID: INVALID_TOKEN,
  ERR_ALG_NOT_ALLOWED: INVALID_TOKEN,
  ERR_KEY_UNKNOWN: INVALID_TOKEN,
  ERR_CLAIM_INVALID: INVALID_TOKEN,
  ERR_HEADER_FORBIDDEN: INVALID_TOKEN,
  ERR_PERMISSION_DENIED: { status: 403, error: 'insufficient_scope' },
  ERR_JWKS_UNAVAILABLE: UNAVAILABLE,
  ERR_STALE: UNAVAILABLE,
});

/**
 * The one error class of `@tessera/verify`. `code` says what failed, `status` and `bearerError`
 * how to answer it, and `expose` whether `message` may be shown to the client (`status < 500`;
 * a 5xx is answered with a generic description). Messages never contain the token.
 *
 * @example
 * ```ts
 * import { VerifyError } from '@tessera/verify';
 * const err = new VerifyError('ERR_TOKEN_EXPIRED', 'the access token expired');
 * err.status; // 401
 * err.bearerError; // 'invalid_token'
 * ```
 */
export class VerifyError extends Error {
  override readonly name = 'VerifyError';
  readonly code: VerifyErrorCode;
  readonly status: number;
  readonly bearerError: BearerError;
  readonly expose: boolean;
  /** For `ERR_PERMISSION_DENIED`: the permissions the request needed (the challenge's `scope`). */
  readonly scope?: readonly string[];

  constructor(
    code: VerifyErrorCode,
    message: string,
    options?: { cause?: unknown; scope?: readonly string[] },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    if (options?.scope !== undefined) this.scope = options.scope;
    const info = VERIFY_ERROR_CODES[code];
    this.code = code;
    this.status = info.status;
    this.bearerError = info.error;
    this.expose = info.status < 500;
  }
}
