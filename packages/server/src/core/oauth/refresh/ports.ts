/** The store queries of refresh tokens (families, rotation); part of the Queries port (../ports.ts). */

/**
 * One refresh-token family: everything a login (an authorization code or device code grant)
 * handed to one client, and every rotation since, in one row. Its tokens carry the family's id
 * (tokens.ts), so a presented token is found by the family's primary key; the row keeps the
 * hashes of the live token and of the one it replaced, nothing per token. "Is this token the
 * current one" and "rotate it" are one compare-and-set on this row, which also serializes
 * rotation against revocation — and a rotation writes one row, nothing else.
 */
export interface RefreshFamily {
  id: string;
  userId: string;
  /** The public client_id the family belongs to; only that client may use or revoke it. */
  clientId: string;
  /** The audience of the access tokens it yields. */
  audience: string;
  /** The granted scope string, protocol scopes included (may be ''). Never widened by rotation. */
  scope: string;
  sessionId: string | null;
  authTime: Date;
  /** When the login happened: the absolute lifetime counts from here. */
  createdAt: Date;
  /** SHA-256 (base64url) of the family's live token. */
  currentHash: string;
  /** SHA-256 of the token the live one replaced (its parent); null before the first rotation. */
  previousHash: string | null;
  /** When the live token was issued by a rotation; null before the first rotation. */
  rotatedAt: Date | null;
  revokedAt: Date | null;
  /** Why it was revoked: 'reuse', 'revoked' (RFC 7009), 'user_tokens_revoked', … */
  revokedReason: string | null;
}

export interface RefreshRotation {
  familyId: string;
  /** The family's current token as read; the rotation applies only if it still is (compare-and-set). */
  expectedCurrentHash: string;
  /**
   * The presented token, parent of the new one: the expected current one, except in the grace
   * window, where it is the expected one's parent (which then stays the family's previous hash).
   */
  parentHash: string;
  newHash: string;
  now: Date;
}

export interface RefreshQueries {
  /** Inserts a family, whose live token is `family.currentHash`. */
  insertRefreshFamily(family: RefreshFamily): Promise<void>;
  /** A family by id; undefined when unknown (never issued, or deleted). */
  getRefreshFamily(id: string): Promise<RefreshFamily | undefined>;
  /**
   * Rotates a family: moves its current token from `expectedCurrentHash` to `newHash` (and its
   * previous one to `parentHash`) only if the family is not revoked and its current token is
   * still the expected one. False when the compare-and-set lost.
   */
  rotateRefreshToken(rotation: RefreshRotation): Promise<boolean>;
  /** Revokes the families not yet revoked; returns how many it revoked. */
  revokeRefreshFamilies(familyIds: readonly string[], now: Date, reason: string): Promise<number>;
  /**
   * Revokes a user's families created at or before `before` (their whole lineage descends from
   * a credential issued then); returns their ids.
   */
  revokeUserRefreshFamilies(userId: string, before: Date, now: Date, reason: string): Promise<string[]>;
  /** Deletes families created before `createdBefore` or revoked before `revokedBefore`; returns how many. */
  pruneRefreshFamilies(createdBefore: Date, revokedBefore: Date): Promise<number>;
}
