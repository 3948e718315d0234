/**
 * Reads a presented JWT the way the revocation and introspection endpoints need it: is it an
 * access token Tessera issued, for any audience? The checks are verifyAccessToken's (RFC 8725:
 * the key is looked up by kid among our published keys and its algorithm is pinned from the
 * key; `jku`, `jwk`, `x5u`, … refuse the token), without the audience pin.
 *
 * Returns undefined for anything that is not a valid token of ours (malformed, unknown key, bad
 * signature, wrong issuer, expired): RFC 7009 §2.2 and RFC 7662 §2.2 answer those as
 * "nothing to revoke" and `active: false`, never with an error. An ID token (typ JWT, signed by
 * the same keys) comes back as `{ kind: 'id_token' }` so revocation can say it does not revoke those.
 */
import { decodeProtectedHeader, type JWTPayload, jwtVerify } from 'jose';
import type { KeyRing } from '../keys/keyring.js';
import type { Clock } from '../ports.js';
import { ACCESS_TOKEN_TYP, type ActorClaim } from './issue-access-token.js';

const REFUSED_HEADERS = ['crit', 'jku', 'x5u', 'jwk', 'x5c', 'b64'] as const;
/** Three base64url parts; anything else is not a JWS compact serialization. */
const JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
/** Far beyond any token Tessera issues; refuses to parse megabytes of junk. */
const MAX_TOKEN_LENGTH = 16 * 1024;

export type ReadToken =
  | { kind: 'access_token'; claims: AccessTokenClaims; kid: string }
  | { kind: 'id_token' }
  | undefined;

/** The claims every Tessera access token carries (RFC 9068 §2.2), plus Tessera's own. */
export interface AccessTokenClaims extends JWTPayload {
  iss: string;
  sub: string;
  aud: string | string[];
  exp: number;
  iat: number;
  jti: string;
  client_id: string;
  scope?: string;
  roles?: string[];
  permissions?: string[];
  aver?: number;
  grp?: string[];
  drl?: string[];
  act?: ActorClaim;
}

export const looksLikeJwt = (value: string): boolean => value.length <= MAX_TOKEN_LENGTH && JWS.test(value);

export async function readAccessToken(
  keyRing: Pick<KeyRing, 'verificationKey'>,
  options: { issuer: string; clock: Clock },
  token: string,
): Promise<ReadToken> {
  if (!looksLikeJwt(token)) return undefined;
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    return undefined;
  }
  for (const name of REFUSED_HEADERS) if (name in header) return undefined;
  if (typeof header.kid !== 'string') return undefined;
  const key = await keyRing.verificationKey(header.kid);
  if (!key) return undefined;
  try {
    const { payload, protectedHeader } = await jwtVerify(token, key.publicKey, {
      algorithms: [key.alg],
      issuer: options.issuer,
      currentDate: options.clock.now(),
      clockTolerance: 0,
    });
    if (protectedHeader.typ !== ACCESS_TOKEN_TYP)
      return protectedHeader.typ === 'JWT' ? { kind: 'id_token' } : undefined;
    if (!isAccessTokenClaims(payload)) return undefined;
    return { kind: 'access_token', claims: payload, kid: header.kid };
  } catch {
    return undefined;
  }
}

function isAccessTokenClaims(payload: JWTPayload): payload is AccessTokenClaims {
  return (
    typeof payload.sub === 'string' &&
    typeof payload.client_id === 'string' &&
    typeof payload.jti === 'string' &&
    typeof payload.exp === 'number' &&
    typeof payload.iat === 'number' &&
    (typeof payload.aud === 'string' || Array.isArray(payload.aud))
  );
}
