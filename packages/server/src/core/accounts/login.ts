/**
 * Password login, as a pipeline: find the account by user name (or its one email address) →
 * refuse while locked → verify the password (or spend the same time on a dummy when there is no
 * account or no password) → on failure count it (lockout) and audit `login.failed`; on success
 * clear the count, rehash if the parameters changed, start a session and audit `login.succeeded`,
 * all in one transaction.
 *
 * Every refusal says the same thing ("incorrect user name or password") whatever the reason
 * (no such user, no password yet, disabled, wrong password); "too many attempts" only once a
 * lock is real for the name as typed, which unknown names get exactly like accounts do.
 */
import { type CoreContext, commit } from '../context.js';
import { TesseraError } from '../errors.js';
import type { Actor, User } from '../model.js';
import type { Queries } from '../ports.js';
import {
  burnVerification,
  hashPassword,
  MAX_PASSWORD_LENGTH,
  needsRehash,
  verifyPassword,
} from './passwords.js';
import type { AccountSession } from './ports.js';
import { type SessionPolicy, startSession } from './sessions.js';
import { type LockoutPolicy, lockedUntil, recordFailure, throttleKey } from './throttle.js';

export const LOGIN_FAILED_MESSAGE = 'Incorrect user name or password.';
export const LOCKED_MESSAGE = 'Too many failed attempts. Try again later.';

export interface LoginInput {
  userName: string;
  password: string;
  sourceIp: string | null;
  session: SessionPolicy;
  lockout: LockoutPolicy;
}

export interface LoginSuccess {
  user: User;
  session: AccountSession;
  /** The cookie value; shown once. */
  secret: string;
}

/** The account a login names: by user name, else by an email address only one user has. */
export async function findAccount(store: Queries, typed: string): Promise<User | undefined> {
  const name = typed.trim();
  if (name === '' || name.length > 256) return undefined;
  const byName = await store.getUserByUserName(name);
  if (byName) return byName;
  if (!name.includes('@')) return undefined;
  const page = await store.listUsers({ limit: 2, filter: { email: name } });
  return page.items.length === 1 ? page.items[0] : undefined;
}

export async function login(ctx: CoreContext, input: LoginInput): Promise<LoginSuccess> {
  const user = await findAccount(ctx.store, input.userName);
  const key = throttleKey(user?.id, input.userName);
  const now = ctx.clock.now();
  // A plain read (no write lock): the failure path below re-reads under the journal lock.
  const until = await lockedUntil(ctx.store, key, now);
  if (until) {
    await audit(ctx, failure(input, user, 'locked'));
    throw locked(until, now);
  }

  const stored = user ? await ctx.store.getPasswordHash(user.id) : undefined;
  let ok = false;
  if (stored && input.password.length <= MAX_PASSWORD_LENGTH)
    ok = await verifyPassword(input.password, stored);
  else await burnVerification(input.password);
  const reason = !user
    ? 'unknown_user'
    : !stored
      ? 'no_password'
      : !ok
        ? 'wrong_password'
        : !user.active
          ? 'disabled'
          : undefined;

  if (reason || !user || !stored) {
    await commit(ctx, async (tx, at) => {
      await tx.lockJournal();
      const lockedNow = await recordFailure(tx, key, at, input.lockout);
      const change = failure(input, user, reason ?? 'wrong_password');
      if (lockedNow) change.summary = { ...change.summary, lockedUntil: lockedNow.toISOString() };
      return { result: undefined, changes: [change] };
    });
    throw new TesseraError('ERR_UNAUTHENTICATED', LOGIN_FAILED_MESSAGE);
  }

  const rehash = needsRehash(stored) ? await hashPassword(input.password) : undefined;
  return commit(ctx, async (tx, at) => {
    // Disabled or deleted between the check and now: the join in sessions refuses it anyway.
    await tx.deleteLoginThrottle(key);
    if (rehash) await tx.setPasswordHash(user.id, rehash, at);
    const started = await startSession(tx, { userId: user.id, now: at, policy: input.session });
    return {
      result: { user, ...started },
      changes: [
        {
          actor: actorFor(user.id, input.sourceIp),
          action: 'login.succeeded',
          targetType: 'user',
          targetId: user.id,
          summary: { sessionId: started.session.id, ...(rehash ? { rehashed: true } : {}) },
        },
      ],
    };
  });
}

const actorFor = (id: string, sourceIp: string | null): Actor => ({ type: 'user', id, sourceIp });

function failure(input: LoginInput, user: User | undefined, reason: string) {
  return {
    actor: user
      ? actorFor(user.id, input.sourceIp)
      : { type: 'system' as const, id: 'login', sourceIp: input.sourceIp },
    action: 'login.failed',
    targetType: 'user',
    targetId: user?.id ?? null,
    // The name as typed, cut short: enough to see a guessing run, too short to hold a password typed in the wrong box.
    summary: { userName: input.userName.trim().slice(0, 64), reason } as Record<string, unknown>,
  };
}

async function audit(ctx: CoreContext, change: ReturnType<typeof failure>): Promise<void> {
  await commit(ctx, async () => ({ result: undefined, changes: [change] }));
}

function locked(until: Date, now: Date): TesseraError {
  return new TesseraError('ERR_RATE_LIMITED', LOCKED_MESSAGE, {
    detail: { retryAfterSeconds: Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000)) },
  });
}
