/**
 * OpenID Connect UserInfo (Core §5.3): claims about the user an access token speaks for.
 *
 * Which tokens: Tessera's own user access tokens (RFC 9068, any audience: they are audience-
 * restricted to an API, and the client holds no other), verified by the caller, for a user who
 * still exists and is active, from a client that is still enabled, when that user granted that
 * client `openid` (the consent record, kept for first-party clients too). The access token's
 * `scope` claim names only permissions, so the protocol scopes come from that record: claims are
 * released by the `profile` and `email` the user granted the client.
 */
import { TesseraError } from '../../errors.js';
import type { Queries } from '../../ports.js';
import { splitScope } from '../scopes.js';
import { userClaims } from './claims.js';

export interface UserInfoToken {
  sub: string;
  clientId: string;
}

export async function userInfo(
  queries: Pick<Queries, 'getUser' | 'getClientByClientId' | 'listConsents'>,
  token: UserInfoToken,
): Promise<Record<string, unknown>> {
  const user = await queries.getUser(token.sub);
  if (!user?.active) throw invalidToken('the access token is not for an active user');
  const client = await queries.getClientByClientId(token.clientId);
  if (!client?.enabled) throw invalidToken("the access token's client is disabled or deleted");
  const granted = new Set<string>();
  for (const consent of await queries.listConsents(user.id, client.id)) {
    for (const scope of splitScope(consent.scope).protocol) granted.add(scope);
  }
  if (!granted.has('openid')) {
    throw new TesseraError('ERR_FORBIDDEN', 'the user did not grant this client the openid scope', {
      detail: { scope: 'openid' },
    });
  }
  return { sub: user.id, ...userClaims(user, [...granted]) };
}

const invalidToken = (message: string): TesseraError => new TesseraError('ERR_UNAUTHENTICATED', message);
