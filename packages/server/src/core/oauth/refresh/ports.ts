/** The store queries of refresh tokens (families, rotation); part of the Queries port (../ports.ts). */

/**
 * One refresh-token family: everything a login (an authorization code or device code grant)
 * handed to one client, and every rotation since. The family holds what all its tokens share;
 * `currentHash` names its one live token, so "is this token the current one" and "rotate it"
 * are one compare-and-set on the family row, which also serializes rotation against revocation.
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
  /** When the family was last rotated; null before its first rotation. */
  rotatedAt: Date | null;
  revokedAt: Date | null;
  /** Why it was revoked: 'reuse', 'revoked' (RFC 7009), 'user_tokens_revoked', … */
  revokedReason: string | null;
}

/**
 * One token of a family, as stored: only its hash. A token is live only while it is its
 * family's `currentHash`; it was rotated when its child (the row naming it as parent) was
 * issued. Nothing else is written per token, so a rotation writes as few pages as possible.
 */
export interface RefreshTokenRow {
  hash: string;
  familyId: string;
  /** The token it replaced; null for the family's first token. */
  parentHash: string | null;
  issuedAt: Date;
}

/** A token looked up by hash, with its family. */
export interface RefreshTokenRecord extends RefreshTokenRow {
  family: RefreshFamily;
}

export interface RefreshRotation {
  familyId: string;
  /** The family's current token as read; the rotation applies only if it still is (compare-and-set). */
  expectedCurrentHash: string;
  /** The presented token, parent of the new one (equals expectedCurrentHash except in the grace window). */
  parentHash: string;
  newHash: string;
  now: Date;
}

export interface RefreshQueries {
  /** Inserts a family and its first token (`family.currentHash`). */
  insertRefreshFamily(family: RefreshFamily): Promise<void>;
  /** By token hash (the primary key), with the family; undefined when unknown. */
  findRefreshToken(hash: string): Promise<RefreshTokenRecord | undefined>;
  /** A token row by hash, without its family. */
  getRefreshTokenRow(hash: string): Promise<RefreshTokenRow | undefined>;
  /**
   * Rotates a family: moves its current token from `expectedCurrentHash` to `newHash` only if
   * the family is not revoked and its current token is still the expected one, and inserts the
   * new token (child of `parentHash`). False when the compare-and-set lost.
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
