/**
 * Refresh tokens: opaque, stored only as their SHA-256. A token is `tsr_`, its family's id (the
 * UUID's 16 bytes, 22 base64url characters) and 256 random bits (43 characters): 69 characters.
 * The prefix lets secret scanners and people recognise one (and lets the revocation and
 * introspection endpoints tell it from a JWT without a lookup); the family id lets a presented
 * token be found by its family's primary key, so nothing is stored per token (ports.ts).
 *
 * What a presented token is to its family (`presentRefreshToken`): its live token, the one that
 * live token replaced (the grace window's case, rotate.ts), or anything else. Anything else is
 * treated as a copy of a replaced token — reuse — whether it is an older ancestor or a made-up
 * secret: the family keeps no hashes of older tokens, and the family id, which is needed to
 * make one up, is only ever handed out inside the family's tokens (audit rows name families,
 * and only admins read them).
 *
 * `issueRefreshToken` starts a family; the authorization_code and device_code grants call it
 * inside their transaction. Rotation and reuse detection live in rotate.ts.
 */
import { createHash, randomFillSync, timingSafeEqual } from 'node:crypto';
import { uuidv7 } from '../../ids.js';
import type { Tx } from '../../ports.js';
import type { RefreshFamilyCache } from './family-cache.js';
import type { RefreshFamily, RefreshQueries } from './ports.js';

export const REFRESH_TOKEN_PREFIX = 'tsr_';
const SHAPE = /^tsr_[A-Za-z0-9_-]{65}$/;
const FAMILY_CHARS = 22;

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

/** A fresh token of a family and the hash that is stored in its place. */
export function mintRefreshToken(familyId: string): { token: string; hash: string } {
  const token = `${REFRESH_TOKEN_PREFIX}${familyKey(familyId)}${random32()}`;
  return { token, hash: hashRefreshToken(token) };
}

export const hashRefreshToken = (token: string): string =>
  createHash('sha256').update(token).digest('base64url');

/** Whether a string has the shape of a Tessera refresh token (not whether it is valid). */
export const looksLikeRefreshToken = (value: string): boolean => SHAPE.test(value);

/** A family id (a UUID) as the 22 base64url characters of its 16 bytes. */
function familyKey(familyId: string): string {
  const hex = familyId.replaceAll('-', '');
  if (!/^[0-9a-f]{32}$/.test(hex)) throw new TypeError(`not a UUID family id: ${familyId}`);
  return Buffer.from(hex, 'hex').toString('base64url');
}

/** The family id a token names, or undefined when the string is not a token's shape. */
export function refreshTokenFamilyId(token: string): string | undefined {
  if (!looksLikeRefreshToken(token)) return undefined;
  const key = token.slice(REFRESH_TOKEN_PREFIX.length, REFRESH_TOKEN_PREFIX.length + FAMILY_CHARS);
  const bytes = Buffer.from(key, 'base64url');
  // 22 characters carry 132 bits: only the one encoding of 16 bytes is a key (no stray low bits).
  if (bytes.length !== 16 || bytes.toString('base64url') !== key) return undefined;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * What a presented token is to its family: `current` (the live token), `previous` (the token
 * the live one replaced: the grace window's candidate) or `stale` (anything else: an older
 * ancestor, or a secret nobody was given — reuse either way; see the top of this file).
 */
export type RefreshTokenStanding = 'current' | 'previous' | 'stale';

export interface PresentedRefreshToken {
  /** SHA-256 of the presented token. */
  hash: string;
  standing: RefreshTokenStanding;
  family: RefreshFamily;
  /**
   * Whether `family` was read from the store just now (true), or is this process's memory of
   * its own last rotation of it (false; only for a `current` token): see family-cache.ts for
   * what such a family may and may not decide.
   */
  confirmed: boolean;
}

/**
 * Looks a presented token up by the family it names; undefined when not a token or no such
 * family. With `cache`, a token that is current in the family as this process last wrote it is
 * answered from there (unconfirmed).
 */
export async function presentRefreshToken(
  store: Pick<RefreshQueries, 'getRefreshFamily'>,
  token: string,
  cache?: Pick<RefreshFamilyCache, 'current'>,
): Promise<PresentedRefreshToken | undefined> {
  const familyId = refreshTokenFamilyId(token);
  if (familyId === undefined) return undefined;
  const hash = hashRefreshToken(token);
  const remembered = cache?.current(familyId, hash);
  if (remembered) return { hash, standing: 'current', family: remembered, confirmed: false };
  const family = await store.getRefreshFamily(familyId);
  if (!family) return undefined;
  return { hash, standing: standingIn(family, hash), family, confirmed: true };
}

/** `standing` of a token hash in a family as it is now (after a re-read, say). */
export function standingIn(family: RefreshFamily, hash: string): RefreshTokenStanding {
  if (sameHash(hash, family.currentHash)) return 'current';
  if (family.previousHash !== null && sameHash(hash, family.previousHash)) return 'previous';
  return 'stale';
}

/** Hashes compared in constant time (both are 43-character SHA-256 digests in base64url). */
function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

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
  const id = uuidv7(input.now.getTime());
  const { token, hash } = mintRefreshToken(id);
  const family: RefreshFamily = {
    id,
    userId: input.userId,
    clientId: input.clientId,
    audience: input.audience,
    scope: input.scope,
    sessionId: input.sessionId,
    authTime: input.authTime,
    createdAt: input.now,
    currentHash: hash,
    previousHash: null,
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
