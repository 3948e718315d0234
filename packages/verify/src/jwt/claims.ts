import { VerifyError } from '../errors.js';

/**
 * The claims of a Tessera access token (docs/tokens.md): RFC 9068 §2.2 first, then Tessera's.
 * Any other claim a token carries is kept, untyped.
 *
 * @example
 * ```ts
 * import type { AccessTokenClaims } from '@tessera/verify';
 * const who = (c: AccessTokenClaims) => `${c.sub} via ${c.client_id} (jti ${c.jti})`;
 * ```
 */
export interface AccessTokenClaims {
  readonly iss: string;
  readonly sub: string;
  readonly aud: string | readonly string[];
  readonly exp: number;
  readonly iat: number;
  readonly nbf?: number;
  readonly jti: string;
  readonly client_id: string;
  /** Only when the token was requested with a scope: the granted permissions, space-separated. */
  readonly scope?: string;
  readonly roles?: readonly string[];
  readonly permissions?: readonly string[];
  /** User tokens only: the user's authorization version at issuance. */
  readonly aver?: number;
  readonly [claim: string]: unknown;
}

/** What the claims are checked against; times in seconds since the epoch. */
export interface ClaimRules {
  readonly issuer: string;
  readonly audiences: readonly string[];
  readonly clockTolerance: number;
  readonly maxTokenAge: number | undefined;
}

const invalid = (message: string) => new VerifyError('ERR_CLAIM_INVALID', message);
const isNumericDate = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;
const isStringArray = (v: unknown): v is string[] =>
  Array.isArray(v) && v.every((item) => typeof item === 'string');

/**
 * RFC 9068 §4 and RFC 7519 §4.1: `iss` equal to ours, `aud` ours or a list holding ours, `exp`
 * in the future, `nbf` and `iat` not in the future, each within `clockTolerance` seconds; the
 * REQUIRED claims of RFC 9068 §2.2 (iss, exp, aud, sub, client_id, iat, jti) present, and every
 * claim Tessera defines of its type. Returns the claims typed; throws a VerifyError otherwise.
 */
export function checkClaims(
  claims: Record<string, unknown>,
  rules: ClaimRules,
  nowSec: number,
): AccessTokenClaims {
  const { iss, aud, exp, iat, nbf } = claims;
  if (typeof iss !== 'string') throw invalid('the token has no "iss" claim');
  if (iss !== rules.issuer) throw invalid('the token was not issued by the expected issuer ("iss")');
  if (typeof aud === 'string') {
    if (!rules.audiences.includes(aud)) throw invalid('the token is not meant for this audience ("aud")');
  } else if (isStringArray(aud) && aud.length > 0) {
    if (!aud.some((a) => rules.audiences.includes(a)))
      throw invalid('the token is not meant for this audience ("aud")');
  } else {
    throw invalid('the token has no valid "aud" claim');
  }
  if (!isNumericDate(exp)) throw invalid('the token has no valid "exp" claim');
  if (!isNumericDate(iat)) throw invalid('the token has no valid "iat" claim');
  if (nbf !== undefined && !isNumericDate(nbf))
    throw invalid('the token\'s "nbf" claim is not a NumericDate');
  const tolerance = rules.clockTolerance;
  // RFC 7519 §4.1.4: "MUST NOT be accepted for processing" on or after exp.
  if (exp <= nowSec - tolerance) throw new VerifyError('ERR_TOKEN_EXPIRED', 'the access token expired');
  if (nbf !== undefined && nbf > nowSec + tolerance)
    throw new VerifyError('ERR_TOKEN_NOT_YET_VALID', 'the access token is not valid yet ("nbf")');
  if (iat > nowSec + tolerance) throw invalid('the token was issued in the future ("iat")');
  if (rules.maxTokenAge !== undefined && nowSec - iat > rules.maxTokenAge + tolerance)
    throw new VerifyError('ERR_TOKEN_EXPIRED', 'the access token is older than this service accepts');
  if (typeof claims.sub !== 'string' || claims.sub.length === 0)
    throw invalid('the token has no "sub" claim');
  if (typeof claims.client_id !== 'string' || claims.client_id.length === 0)
    throw invalid('the token has no "client_id" claim');
  if (typeof claims.jti !== 'string' || claims.jti.length === 0)
    throw invalid('the token has no "jti" claim');
  if (claims.scope !== undefined && typeof claims.scope !== 'string')
    throw invalid('the token\'s "scope" claim is not a string');
  if (claims.roles !== undefined && !isStringArray(claims.roles))
    throw invalid('the token\'s "roles" claim is not a list of strings');
  if (claims.permissions !== undefined && !isStringArray(claims.permissions))
    throw invalid('the token\'s "permissions" claim is not a list of strings');
  if (claims.aver !== undefined && !Number.isSafeInteger(claims.aver))
    throw invalid('the token\'s "aver" claim is not an integer');
  return claims as AccessTokenClaims;
}

/**
 * RFC 9068 §4: "Resource servers MUST verify that the typ header value is at+jwt or
 * application/at+jwt and reject tokens carrying any other value." RFC 7515 §4.1.9 makes the
 * media type comparison case-insensitive.
 */
export function checkTyp(typ: unknown): void {
  if (typeof typ !== 'string') throw invalid('the token has no "typ" header; an access token is "at+jwt"');
  if (typ === 'at+jwt') return;
  const t = typ.toLowerCase();
  if (t !== 'at+jwt' && t !== 'application/at+jwt')
    throw invalid('the token\'s "typ" is not "at+jwt" (RFC 9068 §4)');
}
