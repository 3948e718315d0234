/**
 * Errors of an authorization request once the client and redirect URI are known: they travel
 * back to the client as RFC 6749 §4.1.2.1 query parameters (never to an untrusted URI).
 * TesseraError covers the codes shared with the token endpoint; this adds the codes only the
 * authorization endpoint has (RFC 6749 §4.1.2.1, OIDC Core §3.1.2.6).
 */
import { isTesseraError, TesseraError } from '../../errors.js';

export type AuthorizeErrorCode =
  | 'invalid_request'
  | 'unauthorized_client'
  | 'access_denied'
  | 'unsupported_response_type'
  | 'invalid_scope'
  | 'invalid_target'
  | 'server_error'
  | 'temporarily_unavailable'
  | 'login_required'
  | 'consent_required'
  | 'interaction_required'
  | 'request_not_supported'
  | 'request_uri_not_supported';

export class AuthorizeError extends Error {
  readonly error: AuthorizeErrorCode;
  constructor(error: AuthorizeErrorCode, description: string) {
    super(description);
    this.name = 'AuthorizeError';
    this.error = error;
  }
}

/** The `error` and `error_description` an authorization response carries for `err`. */
export function authorizeErrorOf(err: unknown): { error: AuthorizeErrorCode; description: string } {
  if (err instanceof AuthorizeError) return { error: err.error, description: err.message };
  if (isTesseraError(err) && err.status < 500) {
    const known: readonly string[] = [
      'invalid_scope',
      'invalid_target',
      'access_denied',
      'unauthorized_client',
    ];
    return {
      error: (known.includes(err.oauthError) ? err.oauthError : 'invalid_request') as AuthorizeErrorCode,
      description: err.message,
    };
  }
  if (isTesseraError(err) && err.code === 'ERR_NO_SIGNING_KEY') {
    return {
      error: 'temporarily_unavailable',
      description: 'the authorization server is starting; try again',
    };
  }
  return { error: 'server_error', description: 'the authorization server failed to handle the request' };
}

/** Errors before the redirect URI is trusted: shown to the user, never redirected (RFC 6749 §4.1.2.1). */
export const badClientRequest = (message: string): TesseraError =>
  new TesseraError('ERR_INVALID_REQUEST', message);
