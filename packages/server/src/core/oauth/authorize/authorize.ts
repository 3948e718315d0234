/**
 * The decision of the authorization endpoint once the request is read and the browser's
 * session (if any) is known: sign in first, ask for consent, or issue the code. OIDC Core
 * §3.1.2.3-§3.1.2.4: prompt, max_age; RFC 6749 §4.1.2: the code.
 */
import { type Actor, type CoreContext, commit } from '../../context.js';
import { hashSecret, randomSecret } from '../../ids.js';
import type { User } from '../../model.js';
import { narrowToScope, permissionsInNamespace } from '../../tokens/scope.js';
import { joinScope } from '../scopes.js';
import { consentCovers, mergeScope } from './consent.js';
import { AuthorizeError } from './errors.js';
import type { AuthorizationRequest } from './request.js';

/** RFC 6749 §4.1.2: "A maximum authorization code lifetime of 10 minutes is RECOMMENDED"; a minute is plenty. */
export const AUTHORIZATION_CODE_LIFETIME_MS = 60_000;
/** Redeemed and expired codes are kept this long, so that a late replay still revokes what they issued. */
export const CODE_RETENTION_MS = 24 * 3_600_000;

export interface AuthorizeSession {
  /** Public session id (OIDC `sid`). */
  id: string;
  userId: string;
  authTime: Date;
}

export type AuthorizeOutcome =
  /** Not signed in, or the sign-in is too old for prompt=login / max_age: sign in (again). */
  | { kind: 'login'; reauthenticate: boolean }
  /** Show the consent page for `scope` (the granted scope string the approval would give). */
  | { kind: 'consent'; user: User; scope: string; permissions: string[] }
  /** Redirect with this code. */
  | { kind: 'code'; code: string };

export interface AuthorizeInput {
  request: AuthorizationRequest;
  session: AuthorizeSession | undefined;
  /** The user's answer on the consent page, when this is its submission. */
  decision?: 'approve' | 'deny';
  sourceIp?: string | null;
}

export async function authorize(ctx: CoreContext, input: AuthorizeInput): Promise<AuthorizeOutcome> {
  const { request, session, decision } = input;
  const interactive = !request.prompt.includes('none');
  if (!session) {
    if (!interactive) throw new AuthorizeError('login_required', 'the user is not signed in');
    return { kind: 'login', reauthenticate: false };
  }
  const now = ctx.clock.now();
  const ageSeconds = Math.floor((now.getTime() - session.authTime.getTime()) / 1000);
  // select_account: the only way to pick another account here is to sign in again.
  const fresh = request.prompt.includes('login') || request.prompt.includes('select_account');
  if (fresh || (request.maxAge !== undefined && ageSeconds > request.maxAge)) {
    if (!interactive) throw new AuthorizeError('login_required', 'the sign-in is older than max_age allows');
    return { kind: 'login', reauthenticate: true };
  }
  const user = await ctx.store.getUser(session.userId);
  if (!user?.active) {
    if (!interactive) throw new AuthorizeError('login_required', 'the user is not signed in');
    return { kind: 'login', reauthenticate: false };
  }

  // The permissions must be ones the user holds in the audience's namespace (invalid_scope if not).
  const held = permissionsInNamespace(
    (await ctx.store.userAccess(user.id)).permissions,
    request.application.namespace,
  );
  const narrowed = request.permissions === undefined ? undefined : narrowToScope(held, request.permissions);
  const scope = joinScope(request.protocol, narrowed?.scope);

  const { client } = request;
  if (decision === 'deny') throw new AuthorizeError('access_denied', 'the user denied the request');
  const remembered = await ctx.store.getConsent(user.id, client.id, request.application.audience);
  const covered = consentCovers(remembered?.scope, scope);
  const consentNeeded =
    !client.firstParty && decision !== 'approve' && (!covered || request.prompt.includes('consent'));
  if (consentNeeded) {
    if (!interactive)
      throw new AuthorizeError('consent_required', 'the user has not approved this application');
    return { kind: 'consent', user, scope, permissions: narrowed?.permissions ?? held };
  }

  const code = randomSecret();
  const actor: Actor = { type: 'user', id: user.id, sourceIp: input.sourceIp ?? null };
  await commit(ctx, async (tx, at) => {
    await tx.pruneAuthorizationCodes(new Date(at.getTime() - CODE_RETENTION_MS));
    await tx.insertAuthorizationCode({
      codeHash: hashSecret(code),
      clientId: client.clientId,
      redirectUri: request.redirectUri,
      codeChallenge: request.codeChallenge,
      userId: user.id,
      sessionId: session.id,
      authTime: session.authTime,
      nonce: request.nonce ?? null,
      scope,
      audience: request.application.audience,
      createdAt: at,
      expiresAt: new Date(at.getTime() + AUTHORIZATION_CODE_LIFETIME_MS),
      usedAt: null,
      accessTokenJti: null,
      accessTokenExpiresAt: null,
      refreshFamilyId: null,
    });
    // What the user allowed the client is remembered for every client (first-party ones too):
    // consent skips the page next time, and UserInfo releases claims by it.
    if (!covered) {
      await tx.putConsent({
        userId: user.id,
        clientId: client.id,
        audience: request.application.audience,
        scope: mergeScope(remembered?.scope, scope),
        grantedAt: at,
      });
    }
    return {
      result: undefined,
      changes: [
        {
          actor,
          action: 'oauth.authorized',
          targetType: 'client',
          targetId: client.id,
          summary: {
            clientId: client.clientId,
            audience: request.application.audience,
            scope,
            consent: client.firstParty ? 'first_party' : decision === 'approve' ? 'approved' : 'remembered',
          },
        },
      ],
    };
  });
  return { kind: 'code', code };
}
