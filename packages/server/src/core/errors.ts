/**
 * One error class for the whole domain. Every failure a caller can act on has a `code` from
 * the closed union below, so callers `switch (err.code)`. Each code knows its HTTP status and
 * its protocol spellings (OAuth `error`, SCIM `scimType`); the surfaces map errors to responses
 * in exactly one place each. Anything that is not a TesseraError is a bug and answers a generic
 * `server_error` without detail.
 */

export type ErrorCode =
  | 'ERR_VALIDATION'
  | 'ERR_INVALID_PERMISSION'
  | 'ERR_NOT_FOUND'
  | 'ERR_CONFLICT'
  | 'ERR_PRECONDITION_FAILED'
  | 'ERR_PRECONDITION_REQUIRED'
  | 'ERR_PAYLOAD_TOO_LARGE'
  | 'ERR_UNSUPPORTED_MEDIA_TYPE'
  | 'ERR_UNAUTHENTICATED'
  | 'ERR_FORBIDDEN'
  | 'ERR_RATE_LIMITED'
  | 'ERR_INVALID_CLIENT'
  | 'ERR_INVALID_REQUEST'
  | 'ERR_INVALID_GRANT'
  | 'ERR_UNAUTHORIZED_CLIENT'
  | 'ERR_UNSUPPORTED_GRANT_TYPE'
  | 'ERR_UNSUPPORTED_TOKEN_TYPE'
  | 'ERR_INVALID_SCOPE'
  | 'ERR_INVALID_TARGET'
  | 'ERR_AUTHORIZATION_PENDING'
  | 'ERR_SLOW_DOWN'
  | 'ERR_EXPIRED_TOKEN'
  | 'ERR_ACCESS_DENIED'
  | 'ERR_NO_SIGNING_KEY'
  | 'ERR_CONFIG'
  | 'ERR_STORE_CORRUPT'
  | 'ERR_INTERNAL';

interface CodeInfo {
  status: number;
  /** RFC 6749 §5.2 / RFC 6750 §3.1 / RFC 8707 error code used on OAuth surfaces. */
  oauth: string;
  /** RFC 7644 §3.12 scimType, where one applies. */
  scimType?: string;
}

const INFO: Record<ErrorCode, CodeInfo> = {
  ERR_VALIDATION: { status: 400, oauth: 'invalid_request', scimType: 'invalidValue' },
  ERR_INVALID_PERMISSION: { status: 400, oauth: 'invalid_request', scimType: 'invalidValue' },
  ERR_NOT_FOUND: { status: 404, oauth: 'invalid_request' },
  ERR_CONFLICT: { status: 409, oauth: 'invalid_request', scimType: 'uniqueness' },
  ERR_PRECONDITION_FAILED: { status: 412, oauth: 'invalid_request' },
  ERR_PRECONDITION_REQUIRED: { status: 428, oauth: 'invalid_request' },
  ERR_PAYLOAD_TOO_LARGE: { status: 413, oauth: 'invalid_request', scimType: 'tooLarge' },
  ERR_UNSUPPORTED_MEDIA_TYPE: { status: 415, oauth: 'invalid_request' },
  ERR_UNAUTHENTICATED: { status: 401, oauth: 'invalid_token' },
  ERR_FORBIDDEN: { status: 403, oauth: 'insufficient_scope' },
  ERR_RATE_LIMITED: { status: 429, oauth: 'slow_down' },
  ERR_INVALID_CLIENT: { status: 401, oauth: 'invalid_client' },
  ERR_INVALID_REQUEST: { status: 400, oauth: 'invalid_request' },
  ERR_INVALID_GRANT: { status: 400, oauth: 'invalid_grant' },
  ERR_UNAUTHORIZED_CLIENT: { status: 400, oauth: 'unauthorized_client' },
  ERR_UNSUPPORTED_GRANT_TYPE: { status: 400, oauth: 'unsupported_grant_type' },
  // RFC 7009 §2.2.1: the server does not revoke this kind of token.
  ERR_UNSUPPORTED_TOKEN_TYPE: { status: 400, oauth: 'unsupported_token_type' },
  ERR_INVALID_SCOPE: { status: 400, oauth: 'invalid_scope' },
  ERR_INVALID_TARGET: { status: 400, oauth: 'invalid_target' },
  // RFC 8628 §3.5: the device access token response's errors, answered as RFC 6749 §5.2 (400).
  ERR_AUTHORIZATION_PENDING: { status: 400, oauth: 'authorization_pending' },
  ERR_SLOW_DOWN: { status: 400, oauth: 'slow_down' },
  ERR_EXPIRED_TOKEN: { status: 400, oauth: 'expired_token' },
  // RFC 8628 §3.5 (a token endpoint error, so 400) and RFC 6749 §4.1.2.1: the user denied it.
  ERR_ACCESS_DENIED: { status: 400, oauth: 'access_denied' },
  ERR_NO_SIGNING_KEY: { status: 503, oauth: 'temporarily_unavailable' },
  ERR_CONFIG: { status: 500, oauth: 'server_error' },
  ERR_STORE_CORRUPT: { status: 500, oauth: 'server_error' },
  ERR_INTERNAL: { status: 500, oauth: 'server_error' },
};

/** Whether a string (e.g. from the wire) is one of the closed set of codes. */
export const isErrorCode = (value: unknown): value is ErrorCode =>
  typeof value === 'string' && Object.hasOwn(INFO, value);

export interface TesseraErrorOptions {
  cause?: unknown;
  /** Machine-readable detail safe to show the caller (field name, constraint, …). */
  detail?: Record<string, unknown>;
  /** Overrides the code's default scimType (e.g. `mutability`, `invalidFilter`). */
  scimType?: string;
}

export class TesseraError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly oauthError: string;
  readonly scimType: string | undefined;
  readonly detail: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: TesseraErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    const info = INFO[code];
    this.name = 'TesseraError';
    this.code = code;
    this.status = info.status;
    this.oauthError = info.oauth;
    this.scimType = options.scimType ?? info.scimType;
    this.detail = options.detail;
  }

  /** Whether the message may be shown to the caller (as in oidc-provider: 4xx only). */
  get expose(): boolean {
    return this.status < 500;
  }
}

export const isTesseraError = (err: unknown): err is TesseraError => err instanceof TesseraError;

export const notFound = (what: string, id: string): TesseraError =>
  new TesseraError('ERR_NOT_FOUND', `${what} ${JSON.stringify(id)} does not exist`, { detail: { what, id } });

export const invalid = (message: string, field?: string): TesseraError =>
  new TesseraError('ERR_VALIDATION', message, field === undefined ? {} : { detail: { field } });
