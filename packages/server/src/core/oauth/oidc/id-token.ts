/**
 * The OpenID Connect ID token (Core §2, §3.1.3.6): a JWT for the client about the
 * authentication, signed by the key ring's active key exactly like access tokens (the header
 * `{ alg, typ: "JWT", kid }` is fixed by the signer), so the JWKS serves both.
 */
import { createHash } from 'node:crypto';
import type { KeyAlgorithm, User } from '../../model.js';
import type { GrantContext } from '../../tokens/grants/grant.js';
import { newJti } from '../../tokens/issue-access-token.js';
import { userClaims } from './claims.js';

/** `typ` of ID tokens; different from RFC 9068's `at+jwt`, so neither passes for the other. */
export const ID_TOKEN_TYP = 'JWT';
/** The ID token is consumed at once by the client: five minutes is ample (Core §2 `exp`). */
export const ID_TOKEN_LIFETIME_S = 300;

export interface IdTokenInput {
  user: User;
  clientId: string;
  nonce?: string | undefined;
  authTime: Date;
  sessionId?: string | undefined;
  /** The access token issued with it: its `at_hash` is included (Core §3.1.3.6). */
  accessToken?: string | undefined;
  /** The granted scopes (protocol scopes are what matter: `profile`, `email`). */
  scopes: readonly string[];
}

export async function issueIdToken(
  ctx: Pick<GrantContext, 'keyRing' | 'clock' | 'issuer'>,
  input: IdTokenInput,
): Promise<string> {
  const signer = await ctx.keyRing.signer();
  const iat = Math.floor(ctx.clock.now().getTime() / 1000);
  const claims = {
    iss: ctx.issuer,
    sub: input.user.id,
    aud: input.clientId,
    azp: input.clientId,
    exp: iat + ID_TOKEN_LIFETIME_S,
    iat,
    auth_time: Math.floor(input.authTime.getTime() / 1000),
    // RFC 7519 §4.1.7; lets a client or a log tell two ID tokens apart. From the pooled CSPRNG
    // draw of access-token ids: a randomBytes call per token cost ~7 µs of a rotation.
    jti: newJti(),
    nonce: input.nonce,
    at_hash: input.accessToken === undefined ? undefined : tokenHash(input.accessToken, signer.alg),
    sid: input.sessionId,
    ...userClaims(input.user, input.scopes),
  };
  return signer.sign(ID_TOKEN_TYP, claims);
}

/**
 * Core §3.1.3.6 at_hash: the left half of the hash of the token's ASCII octets, base64url; the
 * hash is the one of the ID token's `alg` (SHA-256 for ES256/RS256; SHA-512 for EdDSA over
 * Ed25519, as RFC 8032 hashes with it).
 */
export function tokenHash(token: string, alg: KeyAlgorithm): string {
  const digest = createHash(alg === 'EdDSA' ? 'sha512' : 'sha256')
    .update(token, 'ascii')
    .digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}
