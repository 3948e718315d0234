/**
 * Refresh tokens: opaque, 256-bit random, stored only as their SHA-256. A token is
 * `tsr_` + 43 base64url characters; the prefix lets secret scanners and people recognise one
 * (and lets the revocation and introspection endpoints tell it from a JWT without a lookup).
 *
 * `issueRefreshToken` starts a family; the authorization_code and device_code grants call it
 * inside their transaction. Rotation and reuse detection live in rotate.ts.
 */
import { createHash, randomFillSync } from 'node:crypto';
import { uuidv7 } from '../../ids.js';
import type { Tx } from '../../ports.js';
import type { RefreshFamily } from './ports.js';

export const REFRESH_TOKEN_PREFIX = 'tsr_';
const SHAPE = /^tsr_[A-Za-z0-9_-]{43}$/;

export interface NewRefreshToken {
  userId: string;
  /** The public client_id. */
  clientId: string;
  audience: string;
  /** The granted scope string, protocol scopes included; may be ''. */
  scope: string;
  sessionId: string | null;
  authTime: Date;
  now: Date;
}

/**
 * Random bytes for tokens, drawn from the CSPRNG 4 KiB at a time (as node:crypto's randomUUID
 * does): one `randomBytes(32)` call per token cost a few microseconds of call overhead on the
 * rotation path. Each token's bytes are used once and then overwritten by the next fill.
 */
const POOL = Buffer.alloc(4096);
let poolOffset = POOL.length;

function random32(): string {
  if (poolOffset + 32 > POOL.length) {
    randomFillSync(POOL);
    poolOffset = 0;
  }
  const bytes = POOL.toString('base64url', poolOffset, poolOffset + 32);
  POOL.fill(0, poolOffset, poolOffset + 32);
  poolOffset += 32;
  return bytes;
}

/** A fresh token and the hash that is stored in its place. */
export function mintRefreshToken(): { token: string; hash: string } {
  const token = `${REFRESH_TOKEN_PREFIX}${random32()}`;
  return { token, hash: hashRefreshToken(token) };
}

export const hashRefreshToken = (token: string): string =>
  createHash('sha256').update(token).digest('base64url');

/** Whether a string has the shape of a Tessera refresh token (not whether it is valid). */
export const looksLikeRefreshToken = (value: string): boolean => SHAPE.test(value);

/** Starts a new family (a login) and returns its first token. */
export async function issueRefreshToken(
  tx: Tx,
  input: NewRefreshToken,
): Promise<{ token: string; familyId: string }> {
  const { token, family } = newRefreshFamily(input);
  await tx.insertRefreshFamily(family);
  return { token, familyId: family.id };
}

/**
 * A new family and its first token, not yet stored: for a caller that writes the family in a
 * statement of its own (the code redemption's claim: Queries.redeemAuthorizationCodeWithFamily).
 */
export function newRefreshFamily(input: NewRefreshToken): { token: string; family: RefreshFamily } {
  const { token, hash } = mintRefreshToken();
  const family: RefreshFamily = {
    id: uuidv7(input.now.getTime()),
    userId: input.userId,
    clientId: input.clientId,
    audience: input.audience,
    scope: input.scope,
    sessionId: input.sessionId,
    authTime: input.authTime,
    createdAt: input.now,
    currentHash: hash,
    rotatedAt: null,
    revokedAt: null,
    revokedReason: null,
  };
  return { token, family };
}

/**
 * Revokes whole families (every token in them, now and later). Returns how many were not yet
 * revoked. The caller audits (it knows why).
 */
export function revokeRefreshFamilies(
  tx: Tx,
  familyIds: readonly string[],
  now: Date,
  reason = 'revoked',
): Promise<number> {
  if (familyIds.length === 0) return Promise.resolve(0);
  return tx.revokeRefreshFamilies(familyIds, now, reason);
}
