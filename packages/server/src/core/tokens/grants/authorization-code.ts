import { type Actor, commit } from '../../context.js';
import { TesseraError } from '../../errors.js';
import { hashSecret } from '../../ids.js';
import type { Client } from '../../model.js';
import { verifierMatches } from '../../oauth/authorize/pkce.js';
import type { AuthorizationCode, CodeIssuance } from '../../oauth/authorize/ports.js';
import { issueIdToken } from '../../oauth/oidc/id-token.js';
import { type NewRefreshToken, newRefreshFamily, revokeRefreshFamilies } from '../../oauth/refresh/tokens.js';
import { splitScope } from '../../oauth/scopes.js';
import { revokeToken } from '../../revocations.js';
import { single } from '../params.js';
import { issueUserAccessToken } from '../user-access-token.js';
import type { Grant, GrantContext } from './grant.js';

/**
 * RFC 6749 §4.1.3 with PKCE (RFC 7636 §4.5-4.6): the client trades a code for tokens. The code
 * must be unused and unexpired, issued to this client for this redirect_uri, and the verifier
 * must hash to its challenge. Tokens: the user's access token (rights read now), an ID token
 * when `openid` was granted, a refresh token when the client is registered for refresh_token.
 *
 * The hot path is one read of the code, the user and their access (from the event-fed view in
 * memory when the server runs one, as the refresh grant does), two signatures and
 * the claim: a compare-and-set on used_at, in one transaction with the new refresh family when
 * the client gets one. No audit row per redemption: the authorization that made the code was
 * audited.
 *
 * A second redemption (RFC 6749 §4.1.2: "If an authorization code is used more than once, the
 * authorization server MUST deny the request and SHOULD revoke (when possible) all tokens
 * previously issued based on that authorization code") revokes the refresh family and the
 * access token's jti, and is audited.
 */
export const authorizationCode: Grant = async (ctx, client, params) => {
  const code = single(params, 'code');
  if (code === undefined) throw missing('code');
  const redirectUri = single(params, 'redirect_uri');
  if (redirectUri === undefined) throw missing('redirect_uri');
  const verifier = single(params, 'code_verifier');
  if (verifier === undefined) throw missing('code_verifier');

  const codeHash = code.length > 128 ? '' : hashSecret(code);
  const record = codeHash === '' ? undefined : await ctx.store.getAuthorizationCode(codeHash);
  if (!record) throw invalidGrant('the authorization code is invalid');
  if (record.usedAt !== null) {
    await revokeIssued(ctx, record, client);
    throw invalidGrant('the authorization code was already used; the tokens issued for it are revoked');
  }
  const now = ctx.clock.now();
  if (record.expiresAt.getTime() <= now.getTime()) throw invalidGrant('the authorization code has expired');
  if (record.clientId !== client.clientId) {
    throw invalidGrant('the authorization code was issued to another client');
  }
  if (record.redirectUri !== redirectUri) {
    throw invalidGrant('redirect_uri does not match the one of the authorization request');
  }
  if (!verifierMatches(verifier, record.codeChallenge)) {
    throw invalidGrant('the code_verifier does not match the code_challenge (PKCE)');
  }
  // The user and their access as they are now: from the event-fed view in memory when it runs
  // (the one introspection and the refresh grant use), else from the store.
  const current = ctx.introspector
    ? await ctx.introspector.currentUser(record.userId)
    : await readUser(ctx.store, record.userId);
  if (!current) throw invalidGrant('the user no longer exists');
  const { user, access: userAccess } = current;
  if (!user.active) throw invalidGrant('the user is disabled');
  const application = await ctx.directory.application(record.audience);
  if (!application) throw invalidGrant("the authorization's audience no longer exists");

  const { protocol, permissions } = splitScope(record.scope);
  const access = await issueUserAccessToken(
    ctx,
    { userAccess: async () => userAccess },
    {
      user,
      clientId: client.clientId,
      application,
      permissionScope: permissions,
    },
  );
  const idToken = protocol.includes('openid')
    ? await issueIdToken(ctx, {
        user,
        clientId: client.clientId,
        nonce: record.nonce ?? undefined,
        authTime: record.authTime,
        sessionId: record.sessionId ?? undefined,
        accessToken: access.issued.token,
        scopes: protocol,
      })
    : undefined;

  const outcome = await claim(
    ctx,
    codeHash,
    now,
    {
      accessTokenJti: access.issued.claims.jti,
      accessTokenExpiresAt: new Date(access.issued.claims.exp * 1000),
    },
    client.grantTypes.includes('refresh_token')
      ? {
          userId: user.id,
          clientId: client.clientId,
          audience: application.audience,
          scope: record.scope,
          sessionId: record.sessionId,
          authTime: record.authTime,
          now,
        }
      : undefined,
  );
  if (outcome === LOST_RACE) {
    const winner = await ctx.store.getAuthorizationCode(codeHash);
    if (winner) await revokeIssued(ctx, winner, client);
    throw invalidGrant('the authorization code was already used; the tokens issued for it are revoked');
  }

  return {
    issued: access.issued,
    response: {
      access_token: access.issued.token,
      token_type: 'Bearer',
      expires_in: access.issued.expiresIn,
      // RFC 6749 §5.1: the granted scope, protocol scopes included.
      ...(record.scope !== '' && { scope: record.scope }),
      ...(outcome && { refresh_token: outcome.token }),
      ...(idToken && { id_token: idToken }),
    },
  };
};

/**
 * Marks the code used, recording what it issued, and starts the refresh family when there is
 * one. Without a refresh token the claim is one compare-and-set statement, atomic on its own;
 * with one, claim and family commit in one transaction (a crash leaves neither). LOST_RACE: a
 * concurrent redemption claimed the code first (and this one wrote nothing).
 */
async function claim(
  ctx: GrantContext,
  codeHash: string,
  now: Date,
  issuance: Omit<CodeIssuance, 'refreshFamilyId'>,
  family: NewRefreshToken | undefined,
): Promise<{ token: string; familyId: string } | undefined | typeof LOST_RACE> {
  if (!family) {
    const claimed = await ctx.store.redeemAuthorizationCode(codeHash, now, {
      ...issuance,
      refreshFamilyId: null,
    });
    return claimed ? undefined : LOST_RACE;
  }
  // No audit row and no event: the claim and the family are the whole change (one transaction).
  const { token, family: started } = newRefreshFamily(family);
  const claimed = await ctx.store.redeemAuthorizationCodeWithFamily(
    codeHash,
    now,
    { ...issuance, refreshFamilyId: started.id },
    started,
  );
  return claimed ? { token, familyId: started.id } : LOST_RACE;
}

/**
 * Revokes what a code issued: its refresh family (with the audit row of the replay, in one
 * transaction) and then its access token's jti (a `token.revoked` event verifiers follow). Run
 * on every replay, so a crash between the two is repaired by the next attempt.
 */
async function revokeIssued(ctx: GrantContext, record: AuthorizationCode, client: Client): Promise<void> {
  const actor: Actor = { type: 'client', id: client.clientId };
  await commit(ctx.core, async (tx, now) => {
    const families = record.refreshFamilyId === null ? [] : [record.refreshFamilyId];
    const revoked = await revokeRefreshFamilies(tx, families, now, 'code_replayed');
    return {
      result: undefined,
      changes: [
        {
          actor,
          action: 'oauth.code_replayed',
          targetType: 'user',
          targetId: record.userId,
          summary: {
            clientId: record.clientId,
            presentedBy: client.clientId,
            accessTokenJti: record.accessTokenJti,
            refreshFamiliesRevoked: revoked,
          },
        },
      ],
    };
  });
  if (record.accessTokenJti !== null) {
    await revokeToken(
      ctx.core,
      actor,
      {
        jti: record.accessTokenJti,
        ...(record.accessTokenExpiresAt && { expiresAt: record.accessTokenExpiresAt }),
      },
      ctx.accessTokenLifetimeMs,
    );
  }
}

/** A concurrent redemption claimed the code first. */
const LOST_RACE: unique symbol = Symbol('authorization code claimed concurrently');

async function readUser(store: GrantContext['store'], userId: string) {
  const user = await store.getUser(userId);
  return user ? { user, access: await store.userAccess(userId) } : null;
}

const missing = (name: string): TesseraError =>
  new TesseraError('ERR_INVALID_REQUEST', `the request is missing a required parameter: ${name}`);

const invalidGrant = (message: string): TesseraError => new TesseraError('ERR_INVALID_GRANT', message);
