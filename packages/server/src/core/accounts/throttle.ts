/**
 * Progressive lockout per account, kept in the store so every worker and instance sees the same
 * count: after `threshold` failures in a row the account locks for `baseMs`, and each further
 * lock in the same run of failures doubles, up to `capMs`. A success clears it.
 *
 * Unknown user names are throttled exactly like accounts (keyed by the name as typed), so "too
 * many attempts" appears after the same number of failures whether or not the account exists:
 * the lockout message is no account-existence oracle.
 */
import type { Queries, Tx } from '../ports.js';
import type { LoginThrottle } from './ports.js';

export interface LockoutPolicy {
  /** Failures in a row that lock the account. */
  threshold: number;
  /** First lock's length; each next one doubles. */
  baseMs: number;
  /** Longest lock. */
  capMs: number;
}

export const DEFAULT_LOCKOUT: LockoutPolicy = { threshold: 5, baseMs: 60_000, capMs: 3_600_000 };

/** A run of failures is forgotten after this long without one (the next lock starts at baseMs again). */
const FORGET_AFTER_MS = 24 * 3_600_000;

export const throttleKey = (userId: string | undefined, typedName: string): string =>
  userId ? `user:${userId}` : `name:${typedName.trim().toLowerCase().slice(0, 256)}`;

/** Until when `key` is locked at `now`, or undefined. */
export async function lockedUntil(store: Queries, key: string, now: Date): Promise<Date | undefined> {
  const t = await store.getLoginThrottle(key);
  return t?.lockedUntil && t.lockedUntil > now ? t.lockedUntil : undefined;
}

/**
 * Counts one failure (the caller holds the journal lock, so concurrent failures of one account
 * serialize). Returns the new lock's end if this failure locked the account.
 */
export async function recordFailure(
  tx: Tx,
  key: string,
  now: Date,
  policy: LockoutPolicy,
): Promise<Date | undefined> {
  const previous = await tx.getLoginThrottle(key);
  const fresh = !previous || now.getTime() - previous.updatedAt.getTime() > FORGET_AFTER_MS;
  const next: LoginThrottle = fresh
    ? { key, failures: 0, locks: 0, lockedUntil: null, updatedAt: now }
    : { ...previous, updatedAt: now };
  next.failures += 1;
  let locked: Date | undefined;
  if (next.failures >= policy.threshold) {
    const ms = Math.min(policy.capMs, policy.baseMs * 2 ** next.locks);
    locked = new Date(now.getTime() + ms);
    next.locks += 1;
    next.failures = 0;
    next.lockedUntil = locked;
  }
  await tx.putLoginThrottle(next);
  return locked;
}
