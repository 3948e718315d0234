import { decodeProtectedHeader, errors, type JWTPayload, jwtVerify } from 'jose';
import { TesseraError } from '../errors.js';
import type { KeyRing } from '../keys/keyring.js';
import type { Clock } from '../ports.js';
import { ACCESS_TOKEN_TYP } from './issue-access-token.js';

export interface VerifyOptions {
  issuer: string;
  audience: string;
  /** Default: the system clock. */
  clock?: Clock;
  /** Allowed clock skew in seconds for exp/iat/nbf. Default 5. */
  clockToleranceSec?: number;
}

/**
 * Header parameters that would let the token choose how it is verified (RFC 8725 §3.10,
 * §2.3: keys named by URL or embedded in the token) or add semantics Tessera does not know
 * (`crit`, RFC 7515 §4.1.11). Tessera never issues them, so their presence alone is refusal.
 */
const REFUSED_HEADERS = ['crit', 'jku', 'x5u', 'jwk', 'x5c', 'b64'] as const;

/**
 * Verifies an access token Tessera issued (for its own admin API), per RFC 9068 §4 and RFC
 * 8725: the key is looked up by kid among the published keys in memory, and the algorithm is
 * the one pinned on that key ("JWTs MUST NOT be accepted unless the algorithm is one the
 * recipient expects"), never the header's. typ must be at+jwt; iss, aud, exp are checked.
 * Every failure is ERR_UNAUTHENTICATED with a message that never echoes the token.
 */
export async function verifyAccessToken(
  keyRing: Pick<KeyRing, 'verificationKey'>,
  options: VerifyOptions,
  token: string,
): Promise<JWTPayload> {
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    throw unauthenticated('the access token is malformed');
  }
  for (const name of REFUSED_HEADERS) {
    if (name in header) throw unauthenticated(`the access token's header must not carry "${name}"`);
  }
  if (typeof header.kid !== 'string') throw unauthenticated('the access token names no key (kid)');
  const key = await keyRing.verificationKey(header.kid);
  if (!key) throw unauthenticated('the access token was signed by an unknown or withdrawn key');
  try {
    const { payload } = await jwtVerify(token, key.publicKey, {
      algorithms: [key.alg],
      typ: ACCESS_TOKEN_TYP,
      issuer: options.issuer,
      audience: options.audience,
      requiredClaims: ['exp', 'iat', 'sub', 'client_id', 'jti'],
      clockTolerance: options.clockToleranceSec ?? 5,
      currentDate: (options.clock ?? { now: () => new Date() }).now(),
    });
    return payload;
  } catch (err) {
    throw unauthenticated(describe(err), err);
  }
}

function describe(err: unknown): string {
  if (err instanceof errors.JWTExpired) return 'the access token has expired';
  if (err instanceof errors.JWTClaimValidationFailed)
    return `the access token is not valid here: ${err.reason} ${err.claim}`;
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'the access token signature is invalid';
  if (err instanceof errors.JOSEAlgNotAllowed)
    return "the access token is not signed with its key's algorithm";
  return 'the access token is invalid';
}

const unauthenticated = (message: string, cause?: unknown): TesseraError =>
  new TesseraError('ERR_UNAUTHENTICATED', message, cause === undefined ? {} : { cause });
