/**
 * The `id_token_hint` of RP-Initiated Logout 1.0 §2: an ID token Tessera issued. Its signature
 * (key by kid among our published keys, algorithm pinned by the key) and `iss` must hold; an
 * expired one is still a hint ("The OP need not be concerned with whether the ID Token is
 * expired"), so expiry is not checked.
 */
import { decodeProtectedHeader, errors, type JWTPayload, jwtVerify } from 'jose';
import type { KeyRing } from '../../keys/keyring.js';
import { ID_TOKEN_TYP } from './id-token.js';

export interface IdTokenHint {
  sub: string;
  /** The client the ID token was issued to. */
  clientId: string;
  sid: string | undefined;
}

/** The verified hint, or undefined when it is not an ID token Tessera signed. */
export async function verifyIdTokenHint(
  keyRing: Pick<KeyRing, 'verificationKey'>,
  issuer: string,
  token: string,
): Promise<IdTokenHint | undefined> {
  if (token.length > 16_384) return undefined;
  let kid: unknown;
  try {
    const header = decodeProtectedHeader(token);
    if (['jku', 'x5u', 'jwk', 'x5c', 'crit', 'b64'].some((name) => name in header)) return undefined;
    kid = header.kid;
  } catch {
    return undefined;
  }
  if (typeof kid !== 'string') return undefined;
  const key = await keyRing.verificationKey(kid);
  if (!key) return undefined;
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, key.publicKey, {
      algorithms: [key.alg],
      typ: ID_TOKEN_TYP,
      issuer,
    }));
  } catch (err) {
    // Claims are checked only after the signature: an expired but genuine ID token is a valid hint.
    if (!(err instanceof errors.JWTExpired)) return undefined;
    payload = err.payload;
    if (payload.iss !== issuer) return undefined;
  }
  const aud = Array.isArray(payload.aud) ? payload.aud[0] : payload.aud;
  if (typeof payload.sub !== 'string' || typeof aud !== 'string') return undefined;
  // An access token is typ at+jwt and has no azp; only ID tokens pass the typ check above.
  return { sub: payload.sub, clientId: aud, sid: typeof payload.sid === 'string' ? payload.sid : undefined };
}
