/**
 * RFC 7009 token revocation, for the client the token was issued to: a refresh token revokes
 * its whole family (§2.1: "If the token passed to the request is a refresh token … the
 * authorization server … SHOULD also invalidate all access tokens based on the same
 * authorization grant" — access tokens are self-contained here, so that part is left to their
 * short lifetime); an access token of ours is revoked by its `jti`, which reaches every live
 * verifier through the event stream (core/revocations.ts).
 *
 * The kind is told from the token itself (a refresh token has the `tsr_` shape, an access token
 * is a JWS signed by our keys), so `token_type_hint` is never needed and a wrong one does no
 * harm (§2.1: the server "MUST extend its search across all of its supported token types").
 * Unknown, invalid and expired tokens are no-ops (§2.2: "invalid tokens do not cause an error
 * response").
 */
import { type Actor, type CoreContext, commit } from '../../context.js';
import { TesseraError } from '../../errors.js';
import type { KeyRing } from '../../keys/keyring.js';
import type { Client } from '../../model.js';
import { revokeToken } from '../../revocations.js';
import { readAccessToken } from '../../tokens/introspect-access-token.js';
import { looksLikeRefreshToken, presentRefreshToken } from './tokens.js';

export interface RevocationDeps {
  core: CoreContext;
  keyRing: Pick<KeyRing, 'verificationKey'>;
  issuer: string;
  /** The longest access-token lifetime (how long verifiers must remember a revoked jti). */
  maxTokenLifetimeMs: number;
}

export type RevocationOutcome = 'refresh_token' | 'access_token' | 'none';

export async function revokePresentedToken(
  deps: RevocationDeps,
  client: Client,
  token: string,
  sourceIp?: string,
): Promise<RevocationOutcome> {
  const actor: Actor = { type: 'client', id: client.clientId, ...(sourceIp ? { sourceIp } : {}) };
  if (looksLikeRefreshToken(token)) {
    // Any token naming the family revokes it, the live one or a replaced one: what is revoked
    // is the grant the client holds, whichever of its tokens it presents.
    const presented = await presentRefreshToken(deps.core.store, token);
    if (!presented) return 'none';
    const { family } = presented;
    if (family.clientId !== client.clientId) throw notYours();
    await commit(deps.core, async (tx, now) => {
      const revoked = await tx.revokeRefreshFamilies([family.id], now, 'revoked');
      return {
        result: undefined,
        changes:
          revoked === 0
            ? []
            : [
                {
                  actor,
                  action: 'refresh_token.revoked',
                  targetType: 'user',
                  targetId: family.userId,
                  summary: { clientId: family.clientId, familyId: family.id },
                },
              ],
      };
    });
    return 'refresh_token';
  }
  const read = await readAccessToken(deps.keyRing, { issuer: deps.issuer, clock: deps.core.clock }, token);
  if (read === undefined) return 'none';
  if (read.kind === 'id_token') {
    throw new TesseraError(
      'ERR_UNSUPPORTED_TOKEN_TYPE',
      'ID tokens are not revoked; revoke the access or refresh token issued with it',
    );
  }
  if (read.claims.client_id !== client.clientId) throw notYours();
  await revokeToken(
    deps.core,
    actor,
    { jti: read.claims.jti, expiresAt: new Date(read.claims.exp * 1000) },
    deps.maxTokenLifetimeMs,
  );
  return 'access_token';
}

/**
 * §2.1: the server "verifies whether the token was issued to the client making the revocation
 * request. If this validation fails, the request is refused". The token stays valid.
 */
const notYours = (): TesseraError =>
  new TesseraError('ERR_UNAUTHORIZED_CLIENT', 'the token was not issued to the authenticated client');
