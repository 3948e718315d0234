/**
 * The store queries of accounts: passwords, one-time links (invitations and resets), page
 * sessions, login throttling; part of the Queries port (../ports.ts). Secrets (passwords, link
 * codes, session ids) reach the store only as hashes.
 */

/** A browser session on Tessera's own pages. The cookie holds a random secret; the store holds its SHA-256. */
export interface AccountSession {
  /** Public id (UUIDv7): what tokens and logs name (`sid`), never the cookie value. */
  id: string;
  /** base64url SHA-256 of the cookie value. */
  tokenHash: string;
  userId: string;
  /** When the user authenticated (OIDC `auth_time`). */
  createdAt: Date;
  /** Last use, for the idle lifetime (refreshed at most once a minute). */
  lastSeenAt: Date;
  /** Absolute end of the session. */
  expiresAt: Date;
}

export type LinkPurpose = 'activate' | 'reset';

/** A one-time link: an invitation (activate) or a password reset. */
export interface AccountLink {
  id: string;
  userId: string;
  purpose: LinkPurpose;
  /** base64url SHA-256 of the code. */
  codeHash: string;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
}

/** Failed-login state of one account, shared by every worker and instance through the store. */
export interface LoginThrottle {
  /** e.g. `user:<id>`. */
  key: string;
  /** Failures since the last lock (or success). */
  failures: number;
  /** Locks imposed so far in this run of failures (each doubles the next). */
  locks: number;
  lockedUntil: Date | null;
  updatedAt: Date;
}

export interface AccountQueries {
  // passwords
  /** The user's PHC-style password hash, if one is set. */
  getPasswordHash(userId: string): Promise<string | undefined>;
  setPasswordHash(userId: string, hash: string, at: Date): Promise<void>;

  // one-time links
  insertAccountLink(link: AccountLink): Promise<void>;
  getAccountLinkByHash(codeHash: string): Promise<AccountLink | undefined>;
  /** Marks it used if it was unused; false when someone used it first. */
  useAccountLink(id: string, at: Date): Promise<boolean>;
  /** Deletes the user's unused links of that purpose (a newer one replaces them); returns how many. */
  deleteAccountLinks(userId: string, purpose: LinkPurpose): Promise<number>;

  // sessions
  insertAccountSession(session: AccountSession): Promise<void>;
  /** The session with that token hash, only while its user exists and is active. */
  getActiveAccountSession(tokenHash: string): Promise<AccountSession | undefined>;
  touchAccountSession(id: string, at: Date): Promise<void>;
  deleteAccountSession(id: string): Promise<boolean>;
  /** Ends every session of the user but `exceptId`; returns how many. */
  deleteUserAccountSessions(userId: string, exceptId?: string): Promise<number>;
  /** Deletes sessions past their absolute end or idle since `idleBefore`; returns how many. */
  pruneAccountSessions(now: Date, idleBefore: Date): Promise<number>;

  // login throttling
  getLoginThrottle(key: string): Promise<LoginThrottle | undefined>;
  putLoginThrottle(throttle: LoginThrottle): Promise<void>;
  deleteLoginThrottle(key: string): Promise<void>;

  /**
   * A server-wide secret named `name`: the stored one, or `candidate` if none was stored yet
   * (first writer wins, so every instance ends up with the same value).
   */
  accountSecret(name: string, candidate: string): Promise<string>;
}
