/**
 * The store queries of the authorization code flow (authorization codes, remembered consents)
 * and of private_key_jwt (used assertion ids); part of the Queries port (../../ports.ts). The
 * reference adapter is store/queries/authorization.ts.
 */

import type { RefreshFamily } from '../refresh/ports.js';

/** One authorization code (RFC 6749 §4.1.2), stored by the hash of its value only. */
export interface AuthorizationCode {
  /** hashSecret(code): the code itself is never stored. */
  codeHash: string;
  /** Public client_id the code was issued to. */
  clientId: string;
  /** The redirect_uri of the authorization request, compared exactly at redemption (§4.1.3). */
  redirectUri: string;
  /** RFC 7636 S256 challenge: base64url(SHA-256(code_verifier)). */
  codeChallenge: string;
  userId: string;
  /** The browser session that approved it (OIDC `sid`), when there was one. */
  sessionId: string | null;
  authTime: Date;
  nonce: string | null;
  /** Granted scope: protocol scopes then permissions, space-separated; may be ''. */
  scope: string;
  /** The application (RFC 8707 resource) the access token is for. */
  audience: string;
  createdAt: Date;
  expiresAt: Date;
  /** Set once redeemed; a second redemption is a replay. */
  usedAt: Date | null;
  /** What the redemption issued, so that a replay can revoke it (RFC 6749 §4.1.2, RFC 9700 §4.5). */
  accessTokenJti: string | null;
  accessTokenExpiresAt: Date | null;
  refreshFamilyId: string | null;
}

export interface CodeIssuance {
  accessTokenJti: string;
  accessTokenExpiresAt: Date;
  refreshFamilyId: string | null;
}

/** What a user allowed a client: the granted scope string for one audience. */
export interface Consent {
  userId: string;
  /** The client's internal id (a re-created client with the same name asks again). */
  clientId: string;
  audience: string;
  /** Space-separated, protocol scopes first; the union of everything approved so far. */
  scope: string;
  grantedAt: Date;
}

export interface AuthorizationQueries {
  insertAuthorizationCode(code: AuthorizationCode): Promise<void>;
  getAuthorizationCode(codeHash: string): Promise<AuthorizationCode | undefined>;
  /**
   * Marks an unused code used and records what was issued for it, atomically: false when it
   * was already used (a concurrent redemption won) or is gone.
   */
  redeemAuthorizationCode(codeHash: string, usedAt: Date, issued: CodeIssuance): Promise<boolean>;
  /**
   * The same claim, and the refresh-token family the redemption starts (`issued.refreshFamilyId`
   * is `family.id`), in one transaction: both or neither. False, with nothing written, when the
   * code was already used or is gone.
   */
  redeemAuthorizationCodeWithFamily(
    codeHash: string,
    usedAt: Date,
    issued: CodeIssuance,
    family: RefreshFamily,
  ): Promise<boolean>;
  /** Deletes codes that expired before `before`; returns how many. */
  pruneAuthorizationCodes(before: Date): Promise<number>;

  getConsent(userId: string, clientId: string, audience: string): Promise<Consent | undefined>;
  /** Every consent a user gave one client (any audience). */
  listConsents(userId: string, clientId: string): Promise<Consent[]>;
  /** Inserts or replaces the consent of (userId, clientId, audience). */
  putConsent(consent: Consent): Promise<void>;

  /**
   * Records a client assertion's `jti` until it expires (RFC 7523 §3 item 7): false when the
   * same client already used it. Expired entries are pruned on the way.
   */
  useClientAssertion(clientId: string, jti: string, expiresAt: Date, now: Date): Promise<boolean>;
}
