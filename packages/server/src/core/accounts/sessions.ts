/**
 * Page sessions: a browser holds a random 256-bit secret in a cookie; the store holds its SHA-256
 * (a stolen table opens no session). A session ends at its absolute lifetime, after its idle
 * lifetime without use, on logout, when a password reset ends the user's other sessions, and at
 * once when its user is disabled or deleted (the lookup joins the user and requires `active`;
 * deleting a user deletes its sessions).
 */
import { hashSecret, randomSecret, uuidv7 } from '../ids.js';
import type { Clock, Queries, Tx } from '../ports.js';
import type { AccountSession } from './ports.js';

export interface SessionPolicy {
  /** Absolute lifetime from sign-in. */
  absoluteMs: number;
  /** Ends a session unused for this long. */
  idleMs: number;
}

/** `lastSeenAt` is written at most this often: a page view is a read, not a write, most of the time. */
export const TOUCH_INTERVAL_MS = 60_000;

/** Starts a session for `userId` inside the caller's transaction; returns the cookie secret once. */
export async function startSession(
  tx: Tx,
  input: { userId: string; now: Date; policy: SessionPolicy },
): Promise<{ session: AccountSession; secret: string }> {
  const secret = randomSecret();
  const now = input.now;
  const session: AccountSession = {
    id: uuidv7(now.getTime()),
    tokenHash: hashSecret(secret),
    userId: input.userId,
    createdAt: now,
    lastSeenAt: now,
    expiresAt: new Date(now.getTime() + input.policy.absoluteMs),
  };
  await tx.insertAccountSession(session);
  return { session, secret };
}

/**
 * The live session a cookie secret names, or undefined (unknown, expired, idle too long, user
 * disabled or deleted). Expired sessions found here are deleted.
 */
export async function resolveSession(
  store: Queries,
  clock: Clock,
  policy: SessionPolicy,
  secret: string,
): Promise<AccountSession | undefined> {
  const session = await store.getActiveAccountSession(hashSecret(secret));
  if (!session) return undefined;
  const now = clock.now().getTime();
  if (now >= session.expiresAt.getTime() || now - session.lastSeenAt.getTime() >= policy.idleMs) {
    await store.deleteAccountSession(session.id);
    return undefined;
  }
  if (now - session.lastSeenAt.getTime() >= TOUCH_INTERVAL_MS) {
    const at = new Date(now);
    await store.touchAccountSession(session.id, at);
    return { ...session, lastSeenAt: at };
  }
  return session;
}
