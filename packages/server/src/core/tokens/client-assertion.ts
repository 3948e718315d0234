/**
 * private_key_jwt (RFC 7523 §2.2 and §3, OIDC Core §9): verifying a client's JWT assertion
 * against the keys it registered. client-auth.ts reads the assertion from the request.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { decodeProtectedHeader, errors, jwtVerify } from 'jose';
import type { Client } from '../model.js';
import { type ClientCredentials, failed } from './client-auth.js';

/** The longest client_id or jti accepted (as for secrets in client-auth.ts). */
const MAX_LENGTH = 256;

export interface AssertionCheck {
  /** Accepted `aud` values: the issuer and the token endpoint URL (RFC 7523 §3 item 3, OIDC Core §9). */
  audiences: readonly string[];
  now: Date;
  /** Records the jti until `expiresAt`; false when this client used it before (a replay). */
  useJti(clientId: string, jti: string, expiresAt: Date): Promise<boolean>;
}

/** RFC 7523 §3 item 4: an assertion lives minutes, not hours; a longer exp is refused. */
export const MAX_ASSERTION_LIFETIME_S = 300;
const CLOCK_TOLERANCE_S = 5;

/**
 * Asymmetric JWS algorithms a registered key may pin. HMAC and `none` are absent on purpose:
 * the registered keys are public, so "HS256 with the public key as secret" must never verify.
 */
const ASSERTION_ALGS: Readonly<Record<string, { kty: string; crv?: string }>> = {
  RS256: { kty: 'RSA' },
  RS384: { kty: 'RSA' },
  RS512: { kty: 'RSA' },
  PS256: { kty: 'RSA' },
  PS384: { kty: 'RSA' },
  PS512: { kty: 'RSA' },
  ES256: { kty: 'EC', crv: 'P-256' },
  ES384: { kty: 'EC', crv: 'P-384' },
  ES512: { kty: 'EC', crv: 'P-521' },
  EdDSA: { kty: 'OKP', crv: 'Ed25519' },
};

/** What discovery advertises as `token_endpoint_auth_signing_alg_values_supported`. */
export const ASSERTION_ALGORITHMS: readonly string[] = Object.keys(ASSERTION_ALGS);

/** Header parameters that would let the assertion pick its own key or semantics (RFC 8725 §3.10). */
const REFUSED_HEADERS = ['jku', 'x5u', 'jwk', 'x5c', 'crit', 'b64'] as const;

/** The algorithm a registered key is pinned to: its `alg`, or the one its kty/crv allows. */
export function pinnedAlgorithm(jwk: Record<string, unknown>): string | undefined {
  if (typeof jwk.alg === 'string') {
    const fits = ASSERTION_ALGS[jwk.alg];
    if (!fits || fits.kty !== jwk.kty || (fits.crv !== undefined && fits.crv !== jwk.crv)) return undefined;
    return jwk.alg;
  }
  if (jwk.kty === 'EC') return { 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' }[String(jwk.crv)];
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return 'EdDSA';
  // RSA without `alg`: RS256, the one OIDC Core §15.1 requires; PS* need an explicit `alg`.
  if (jwk.kty === 'RSA') return 'RS256';
  return undefined;
}

/**
 * private_key_jwt (RFC 7523 §2.2 and §3, OIDC Core §9): the assertion must be signed by one of
 * the client's registered keys with that key's pinned algorithm (the header's `alg` is only
 * compared with it; keys named by the token are refused), iss = sub = client_id, aud the
 * issuer or the token endpoint, exp within MAX_ASSERTION_LIFETIME_S, and a jti never used
 * before by this client. Unknown client, wrong key and bad claims all answer invalid_client.
 */
export async function verifyClientAssertion(
  client: Client | undefined,
  credentials: ClientCredentials,
  check: AssertionCheck,
): Promise<Client> {
  const { clientId, assertion } = credentials;
  const fail = (message: string) => failed(message, 'private_key_jwt', clientId);
  if (assertion === undefined) throw new TypeError('credentials carry no assertion');
  if (client?.tokenEndpointAuthMethod !== 'private_key_jwt' || !client.jwks) {
    throw fail('client authentication failed');
  }
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(assertion);
  } catch {
    throw fail('the client assertion is malformed');
  }
  for (const name of REFUSED_HEADERS) {
    if (name in header) throw fail(`the client assertion's header must not carry "${name}"`);
  }
  const candidates = client.jwks.keys.filter(
    (jwk) =>
      pinnedAlgorithm(jwk) === header.alg &&
      (header.kid === undefined || jwk.kid === header.kid) &&
      (jwk.use === undefined || jwk.use === 'sig'),
  );
  if (candidates.length === 0) {
    throw fail('no registered key of the client verifies an assertion with this alg and kid');
  }
  let payload: Awaited<ReturnType<typeof jwtVerify>>['payload'] | undefined;
  let lastError: unknown;
  for (const jwk of candidates) {
    const alg = header.alg as string;
    let key: KeyObject;
    try {
      key = createPublicKey({ key: jwk as never, format: 'jwk' });
    } catch {
      continue;
    }
    try {
      ({ payload } = await jwtVerify(assertion, key, {
        algorithms: [alg],
        issuer: clientId,
        subject: clientId,
        audience: [...check.audiences],
        requiredClaims: ['iss', 'sub', 'aud', 'exp', 'jti'],
        clockTolerance: CLOCK_TOLERANCE_S,
        currentDate: check.now,
      }));
      break;
    } catch (err) {
      lastError = err;
      // Only a signature failure makes another candidate worth trying; a bad claim is final.
      if (!(err instanceof errors.JWSSignatureVerificationFailed)) break;
    }
  }
  if (!payload) throw fail(describeAssertionError(lastError));
  const now = Math.floor(check.now.getTime() / 1000);
  const exp = payload.exp as number;
  if (exp > now + MAX_ASSERTION_LIFETIME_S + CLOCK_TOLERANCE_S) {
    throw fail(`the client assertion expires too far ahead (at most ${MAX_ASSERTION_LIFETIME_S} s)`);
  }
  const jti = payload.jti as string;
  if (typeof jti !== 'string' || jti === '' || jti.length > MAX_LENGTH)
    throw fail('the client assertion jti is invalid');
  if (!(await check.useJti(client.clientId, jti, new Date((exp + CLOCK_TOLERANCE_S) * 1000)))) {
    throw fail('the client assertion was already used (jti replay)');
  }
  if (!client.enabled) throw fail('the client is disabled');
  return client;
}

function describeAssertionError(err: unknown): string {
  if (err instanceof errors.JWTExpired) return 'the client assertion has expired';
  if (err instanceof errors.JWTClaimValidationFailed) {
    return `the client assertion is not valid here: ${err.claim} ${err.reason}`;
  }
  if (err instanceof errors.JWSSignatureVerificationFailed)
    return 'the client assertion signature is invalid';
  return 'the client assertion is invalid';
}
